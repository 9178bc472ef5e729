# Entry points named in the README; the work is in tools/*.sh.
SIZE ?= S

.PHONY: demo test bench lint

demo:
	bash tools/demo.sh

test:
	bash tools/test.sh

bench:
	SIZE=$(SIZE) bash tools/bench.sh

lint:
	bash tools/lint.sh
