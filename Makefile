# Everything runs through here. `make run` and `make test` are the README's quick start.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8001
SOURCES := $(wildcard sources/*.csv)

.PHONY: run test lint check clean soak screenshots bench publish-dir publish lock release

# Serve the site on http://$(HOST):$(PORT), rebuilding first if the sources changed.
run: archive.db inspect-data.json
	@$(BIN)/python -c 'import socket, sys; s = socket.socket(); s.bind(("$(HOST)", $(PORT)))' \
		2>/dev/null || { echo "Port $(PORT) on $(HOST) is taken: stop what uses it, or pick another with make run PORT=8002"; exit 1; }
	$(BIN)/python -m kwp_archive.site --host $(HOST) --port $(PORT)

# Run every test, on every core.
test: $(VENV)/test-installed
	$(BIN)/python -m pytest -n auto --dist worksteal

# The code's style, as pyproject.toml configures ruff.
lint: $(VENV)/test-installed
	$(BIN)/ruff check .

# Validate the sources; write nothing.
check: $(VENV)/run-installed
	$(BIN)/python build.py --check

archive.db: $(VENV)/run-installed build.py $(wildcard kwp_archive/*.py) $(SOURCES)
	$(BIN)/python build.py --sources sources --output $@

# Table counts, read by Datasette at start-up instead of counting an immutable database.
inspect-data.json: archive.db
	$(BIN)/datasette inspect archive.db --inspect-file $@

# A deployable application directory (database, metadata, plugins, templates, pinned
# requirements, Procfile, Dockerfile, fly.toml): offline, no account needed.
DIR ?= build/app
publish-dir: archive.db inspect-data.json
	$(BIN)/python -m kwp_archive.publish $(DIR) --database archive.db --inspect-file inspect-data.json

# A release to cite and deposit (sources/releases.csv's last version): the ledger and
# CHANGELOG.md brought to it, then build/release-VERSION/ with the database, the data package,
# the collection's citations and their SHA-256. HOMEPAGE: the published site's address.
HOMEPAGE ?=
release: $(VENV)/run-installed
	$(BIN)/python -m kwp_archive.release build/release-$$(tail -n 1 sources/releases.csv | cut -d, -f1) \
		$(if $(HOMEPAGE),--homepage $(HOMEPAGE))

# Deploy that directory to Fly. Needs an account and flyctl (https://fly.io/docs/flyctl/).
publish: publish-dir
	@command -v flyctl >/dev/null || { echo "flyctl is not installed: see the README"; exit 1; }
	cd $(DIR) && flyctl deploy

# What serving and building need, at the versions requirements/run.txt pins.
PIP := $(BIN)/python -m pip --quiet --disable-pip-version-check

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
		{ echo "Python 3.11 or newer is needed: try make PYTHON=python3.11"; exit 1; }
	@$(PYTHON) -m venv $(VENV) || \
		{ echo "Could not create $(VENV); on Debian: apt-get install python3-venv"; exit 1; }

$(VENV)/run-installed: $(BIN)/python requirements/run.txt pyproject.toml
	$(PIP) install -r requirements/run.txt
	$(PIP) install --no-deps -e .
	touch $@

# What serving needs and the test tools (requirements/test.txt holds both), with the
# published app's plugins kept as files for its test, which installs them with no network.
$(VENV)/test-installed: $(BIN)/python requirements/test.txt requirements/published.txt pyproject.toml
	$(PIP) install -r requirements/test.txt
	$(PIP) install --no-deps -e .
	$(PIP) download --no-deps --dest $(VENV)/published-wheels -r requirements/published.txt
	touch $@ $(VENV)/run-installed

# Pin every package anew, from pyproject.toml's ranges, in scratch environments: the test
# tools first, then what serving needs at the same versions, so that run.txt is a part of
# test.txt and the tests run what is served.
lock:
	rm -rf .venv-lock && $(PYTHON) -m venv .venv-lock
	.venv-lock/bin/python -m pip install --quiet --disable-pip-version-check '.[test]'
	.venv-lock/bin/python -m pip freeze --exclude kwp-archive > requirements/test.txt
	rm -rf .venv-lock && $(PYTHON) -m venv .venv-lock
	.venv-lock/bin/python -m pip install --quiet --disable-pip-version-check \
		-c requirements/test.txt .
	.venv-lock/bin/python -m pip freeze --exclude kwp-archive > requirements/run.txt
	rm -rf .venv-lock

clean:
	rm -rf $(VENV) .venv-peer .venv-lock archive.db inspect-data.json build

# A bounded soak: a mixed workload at 64 connections for 60 s against the served site.
soak: archive.db $(VENV)/test-installed
	$(BIN)/python bench/soak.py --seconds 60 --connections 64 --database archive.db

# The README's screenshots, docs/*.png, from the site as `make run` serves it.
screenshots: archive.db $(VENV)/test-installed
	$(BIN)/python docs/screenshots.py --database archive.db

# The benchmark at a million records (make bench RECORDS=10000 for a quick run). The peer,
# csvs-to-sqlite, needs pandas: it gets a virtual environment of its own.
RECORDS ?= 1000000
bench: $(VENV)/test-installed .venv-peer/installed
	$(BIN)/python bench/run.py --records $(RECORDS) --json bench/latest.json

.venv-peer/installed:
	$(PYTHON) -m venv .venv-peer
	.venv-peer/bin/python -m pip install --quiet csvs-to-sqlite
	touch $@
