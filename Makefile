# Entry points named in the README; the work is in tools/*.sh.
SIZE ?= S

.PHONY: demo test bench bench-compare lint crash-test concurrency-test workers-test

demo:
	bash tools/demo.sh $(ARGS)

test:
	bash tools/test.sh

bench:
	SIZE=$(SIZE) bash tools/bench.sh

bench-compare:
	SIZE=$(SIZE) bash tools/bench_compare.sh

lint:
	bash tools/lint.sh

crash-test:
	bash tools/crash_test.sh

concurrency-test:
	bash tools/concurrency_test.sh

workers-test:
	bash tools/workers_test.sh
