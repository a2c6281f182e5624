# Works on a machine that has only Python 3.11+ and make: uv is bootstrapped into .tools/.
UV := $(shell command -v uv 2>/dev/null)
ifeq ($(UV),)
UV := .tools/bin/uv
endif

.PHONY: install demo test lint bench fmt

# Compiled bytecode: this environment sets PYTHONDONTWRITEBYTECODE, so without it every run
# compiles numpy, typer, rich… again (about 1 s of `kofuplan plan`'s start-up). uv compiles
# the installed packages; compileall does our own sources (installed editable, outside them).
export UV_COMPILE_BYTECODE := 1

.tools/bin/uv:
	python3 -m venv .tools
	.tools/bin/python -m pip install --quiet uv

install: $(if $(filter .tools/bin/uv,$(UV)),.tools/bin/uv)
	$(UV) sync --frozen --compile-bytecode
	$(UV) run --frozen python -m compileall -q src

demo: install
	$(UV) run --frozen kofuplan demo

test: install
	$(UV) run --frozen pytest

lint: $(if $(filter .tools/bin/uv,$(UV)),.tools/bin/uv)
	$(UV) run --frozen ruff check src tests bench
	$(UV) run --frozen ruff format --check src tests bench
	$(UV) run --frozen mypy

bench: install
	for b in bench/bench_*.py; do $(UV) run --frozen python $$b || exit 1; done

fmt: $(if $(filter .tools/bin/uv,$(UV)),.tools/bin/uv)
	$(UV) run --frozen ruff format src tests bench
	$(UV) run --frozen ruff check --fix src tests bench
