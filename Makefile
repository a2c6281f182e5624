# Works on a machine that has only Python 3.11+ and make: uv is bootstrapped into .tools/.
UV := $(shell command -v uv 2>/dev/null)
ifeq ($(UV),)
UV := .tools/bin/uv
endif

.PHONY: demo test lint bench fmt

.tools/bin/uv:
	python3 -m venv .tools
	.tools/bin/python -m pip install --quiet uv

demo: $(if $(filter .tools/bin/uv,$(UV)),.tools/bin/uv)
	$(UV) run --frozen kofuplan demo

test: $(if $(filter .tools/bin/uv,$(UV)),.tools/bin/uv)
	$(UV) run --frozen pytest

lint: $(if $(filter .tools/bin/uv,$(UV)),.tools/bin/uv)
	$(UV) run --frozen ruff check src tests bench
	$(UV) run --frozen ruff format --check src tests bench
	$(UV) run --frozen mypy

bench: $(if $(filter .tools/bin/uv,$(UV)),.tools/bin/uv)
	for b in bench/bench_*.py; do $(UV) run --frozen python $$b || exit 1; done

fmt: $(if $(filter .tools/bin/uv,$(UV)),.tools/bin/uv)
	$(UV) run --frozen ruff format src tests bench
	$(UV) run --frozen ruff check --fix src tests bench
