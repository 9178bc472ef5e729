# Entry points named in the README; the work is in tools/*.sh, the benchmark
# in tools/bench/, the fault scripts in tools/fault/.
SIZE ?= S
# Extra arguments: make demo ARGS="--workers=2", make test ARGS="-k planner".
ARGS ?=

.PHONY: demo test bench bench-compare lint crash-test concurrency-test workers-test

demo:
	bash tools/demo.sh $(ARGS)

test:
	bash tools/test.sh $(ARGS)

bench:
	SIZE=$(SIZE) bash tools/bench/bench.sh

bench-compare:
	SIZE=$(SIZE) bash tools/bench/bench_compare.sh

lint:
	bash tools/lint.sh

crash-test:
	bash tools/fault/crash_test.sh

concurrency-test:
	bash tools/fault/concurrency_test.sh

workers-test:
	bash tools/fault/workers_test.sh
