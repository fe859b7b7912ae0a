# bangfu: two commands (make report, make test); see README.md.
SHELL := /bin/bash
export UV_PYTHON_DOWNLOADS := never
export PATH := $(HOME)/.local/bin:$(PATH)
RAW ?= raw
OUT ?= out
WEEK ?=

.PHONY: setup report test ui preview docs lint bench bench-smoke clean

setup:
	@scripts/setup.sh

report: setup
	DAGSTER_HOME=$(CURDIR)/.dagster_home uv run bangfu run --raw $(RAW) --out $(OUT) $(if $(WEEK),--week $(WEEK))

test:
	@scripts/setup.sh --test
	uv run pytest -q -n auto --dist loadfile --no-loadscope-reorder

ui: setup
	@mkdir -p .dagster_home && [ -f .dagster_home/dagster.yaml ] || cp dagster.yaml .dagster_home/
	DAGSTER_HOME=$(CURDIR)/.dagster_home uv run dagster dev -h 127.0.0.1 -p 3000

preview: setup
	scripts/preview.sh

docs: setup
	uv run bangfu docs

bench-smoke: setup
	uv run pytest -q bench/test_smoke.py

bench: bench-smoke
	uv run python bench/run.py --sizes 4098,100000,1000000 --repeat 3 --plot docs/performance.svg

lint: setup
	uv run ruff check .
	uv run lint-imports

clean:
	rm -rf data out .dagster_home
