# Everything runs through here. `make run` and `make test` are the README's quick start.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8001
SOURCES := $(wildcard sources/*.csv)

.PHONY: run test check clean soak screenshots bench publish-dir publish

# Serve the site on http://$(HOST):$(PORT), rebuilding first if the sources changed.
run: archive.db inspect-data.json
	$(BIN)/python -m kwp_archive.site --host $(HOST) --port $(PORT)

# Run every test.
test: $(VENV)/installed
	$(BIN)/python -m pytest

# Validate the sources; write nothing.
check: $(VENV)/installed
	$(BIN)/python build.py --check

archive.db: $(VENV)/installed build.py $(wildcard kwp_archive/*.py) $(SOURCES)
	$(BIN)/python build.py --sources sources --output $@

# Table counts, read by Datasette at start-up instead of counting an immutable database.
inspect-data.json: archive.db
	$(BIN)/datasette inspect archive.db --inspect-file $@

# A deployable application directory (database, metadata, plugins, templates, pinned
# requirements, Procfile, Dockerfile, fly.toml): offline, no account needed.
DIR ?= build/app
publish-dir: archive.db inspect-data.json
	$(BIN)/python -m kwp_archive.publish $(DIR) --database archive.db --inspect-file inspect-data.json

# Deploy that directory to Fly. Needs an account and flyctl (https://fly.io/docs/flyctl/).
publish: publish-dir
	@command -v flyctl >/dev/null || { echo "flyctl is not installed: see the README"; exit 1; }
	cd $(DIR) && flyctl deploy

$(VENV)/installed: pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
		{ echo "Python 3.11 or newer is needed: try make PYTHON=python3.11"; exit 1; }
	@$(PYTHON) -m venv $(VENV) || \
		{ echo "Could not create $(VENV); on Debian: apt-get install python3-venv"; exit 1; }
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

clean:
	rm -rf $(VENV) .venv-peer archive.db inspect-data.json build

# A bounded soak: a mixed workload at 64 connections for 60 s against the served site.
soak: archive.db
	$(BIN)/python bench/soak.py --seconds 60 --connections 64 --database archive.db

# The README's screenshots, docs/*.png, from the site as `make run` serves it.
screenshots: archive.db
	$(BIN)/python docs/screenshots.py --database archive.db

# The benchmark at a million records (make bench RECORDS=10000 for a quick run). The peer,
# csvs-to-sqlite, needs pandas: it gets a virtual environment of its own.
RECORDS ?= 1000000
bench: $(VENV)/installed .venv-peer/installed
	$(BIN)/python bench/run.py --records $(RECORDS) --json bench/latest.json

.venv-peer/installed:
	$(PYTHON) -m venv .venv-peer
	.venv-peer/bin/python -m pip install --quiet csvs-to-sqlite
	touch $@
