# bangfu: two commands (make report, make test); see README.md.
SHELL := /bin/bash
export UV_PYTHON_DOWNLOADS := never
export PATH := $(HOME)/.local/bin:$(PATH)
RAW ?= raw
OUT ?= out
WEEK ?=

.PHONY: setup report test ui preview docs lint bench clean

setup:
	@scripts/setup.sh

report: setup
	uv run bangfu run --raw $(RAW) --out $(OUT) $(if $(WEEK),--week $(WEEK))

test:
	@scripts/setup.sh --test
	uv run pytest -q

ui: setup
	uv run dagster dev -h 127.0.0.1 -p 3000

preview: setup
	scripts/preview.sh

docs: setup
	uv run bangfu docs

lint: setup
	uv run ruff check .

clean:
	rm -rf data out .dagster_home
