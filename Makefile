# Flywheel: `make run` serves the demo community, `make test` runs the whole suite.
VENV ?= .venv
PYTHON ?= python3
BIN = $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install run demo serve test test-sqlite test-fast lint format messages smoke bench clean

# EXTRAS: the optional dependency groups (CI: `make install EXTRAS=dev,ml`, the transformer
# classifier's torch and transformers too). uv resolves and installs them in one call, about a
# quarter of pip's time (docs/testing.md). uv reads no pip configuration, so the find-links
# folder and constraint file that pip is configured with (this machine's CPU torch wheel) are
# handed to it; .ci/uv-constraints.txt keeps its resolution the one pip makes.
EXTRAS ?= dev
PIP_SETTING = $(shell $(PYTHON) -m pip config list 2>/dev/null | sed -n "s/^[^.]*\.$(1)='\(.*\)'$$/\1/p" | head -1)
FIND_LINKS ?= $(or $(PIP_FIND_LINKS),$(call PIP_SETTING,find-links))
CONSTRAINT ?= $(or $(PIP_CONSTRAINT),$(call PIP_SETTING,constraint))

$(BIN)/.installed-$(EXTRAS): pyproject.toml .ci/uv-constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet uv
	$(BIN)/python -m uv pip install --quiet --python $(BIN)/python \
		$(foreach f,$(FIND_LINKS),--find-links $(f)) $(foreach c,$(CONSTRAINT),--constraint $(c)) \
		--constraint .ci/uv-constraints.txt -e ".[$(EXTRAS)]"
	touch $@

install: $(BIN)/.installed-$(EXTRAS)

run: install
	$(BIN)/flywheel migrate --no-input
	$(BIN)/flywheel demo
	@echo ""
	@echo "  Flywheel is starting on http://$(HOST):$(PORT)/"
	@echo "  Demo login: manager@northtrail.example / flywheel-demo (community owner)"
	@echo "              giulia@northtrail.example / flywheel-demo (member)"
	@echo ""
	@# DEBUG for the development server: tracebacks, and e-mails (sign-up links) in this terminal.
	DEBUG=1 $(BIN)/flywheel runserver $(HOST):$(PORT)

lint: install
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	PYTHONPATH=src $(BIN)/lint-imports

format: install
	$(BIN)/ruff check --fix src tests bench
	$(BIN)/ruff format src tests bench

test: install lint
	$(BIN)/pytest -n 2 --dist loadgroup $(PYTEST_ARGS)

# The whole suite on the embedded default (SQLite), whatever DATABASE_URL says; tests marked
# `postgres` need PostgreSQL and are deselected here. CI runs `make test` on PostgreSQL too.
test-sqlite: install
	DATABASE_URL= FLYWHEEL_TEST_DATABASE_URL= $(BIN)/pytest -n 2 --dist loadgroup -m "not postgres" $(PYTEST_ARGS)

test-fast: install
	$(BIN)/pytest -n 2 -m "not browser"

messages: install
	cd src/flywheel && DEBUG=1 ../../$(BIN)/flywheel makemessages --no-obsolete -l it -l lv -l pl -l zh_Hans -l en \
		--ignore "static/vendor/*"
	cd src/flywheel && DEBUG=1 ../../$(BIN)/flywheel compilemessages

smoke: install
	bash .ci/smoke-sqlite

bench: install
	$(BIN)/python -m bench.run

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache
