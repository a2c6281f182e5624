# Works on a machine that has only Python 3.11+ and make: uv is bootstrapped into .tools/.
UV := $(shell command -v uv 2>/dev/null)
ifeq ($(UV),)
UV := .tools/bin/uv
endif

.PHONY: install demo test lint bench fmt

# Compiled bytecode: this environment sets PYTHONDONTWRITEBYTECODE, so without it every run
# compiles numpy, typer, rich… again (about 1 s of `kofuplan plan`'s start-up). `uv sync
# --compile-bytecode` compiles the installed packages (7,500 files, over a second each time),
# so it runs only when the lock or the project changed (a stamp in .venv); compileall does our
# own sources (installed editable, outside them), only those that changed. No
# UV_COMPILE_BYTECODE in the environment: with it every `uv run` compiled them all again.
SHELL := /bin/bash

.tools/bin/uv:
	python3 -m venv .tools
	.tools/bin/python -m pip install --quiet uv

install: .venv/.kofuplan-synced
	$(UV) run --frozen python -m compileall -q src

.venv/.kofuplan-synced: uv.lock pyproject.toml $(if $(filter .tools/bin/uv,$(UV)),.tools/bin/uv)
	$(UV) sync --frozen --compile-bytecode
	touch $@

demo: install
	$(UV) run --frozen kofuplan demo

test: install
	$(UV) run --frozen pytest

lint: $(if $(filter .tools/bin/uv,$(UV)),.tools/bin/uv)
	$(UV) run --frozen ruff check src tests bench
	$(UV) run --frozen ruff format --check src tests bench
	$(UV) run --frozen mypy

# Every benchmark, each bounded to 10 minutes; bench/results.md gathers their figures. A
# benchmark that fails (or an equality check) fails the target, after the report is written.
bench: install
	@rm -rf bench/.results && mkdir -p bench/.results
	@start=$$(date +%s); status=0; \
	for b in bench/bench_*.py; do \
	  name=$$(basename $$b .py); echo "== $$name"; \
	  timeout 600 $(UV) run --frozen python -m bench.$$name 2>&1 | tee bench/.results/$$name.log; \
	  rc=$${PIPESTATUS[0]}; if [ $$rc -ne 0 ]; then echo "$$name failed ($$rc)"; status=1; fi; \
	done; \
	echo $$(( $$(date +%s) - start )) > bench/.results/make_bench_seconds.txt; \
	$(UV) run --frozen python -m bench.report || status=1; exit $$status

fmt: $(if $(filter .tools/bin/uv,$(UV)),.tools/bin/uv)
	$(UV) run --frozen ruff format src tests bench
	$(UV) run --frozen ruff check --fix src tests bench
