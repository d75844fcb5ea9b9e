# Industry Hubs: `make run` serves the demo site, `make test` runs the tests.
# Both create .venv with a Python 3.12+ found on this machine and install the pinned requirements
# (`make run` only the site's, requirements.txt; `make test` the development tools too).

VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
PORT ?= 8000

.PHONY: run test test-browser lint format migrations-check install install-site bench screenshots lighthouse drill-mail drill-restore cluster cluster-down drill-load drill-faults drills-short clean

# The first Python 3.12 or newer among the usual names and pyenv's installed versions.
PYTHON := $(shell for p in python3.13 python3.12 python3.14 python3 python $$(ls -d $$HOME/.pyenv/versions/3.1[2-9]*/bin/python3 2>/dev/null | sort -rV); do \
	command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1 && { command -v $$p; break; }; done)

$(PY):
	@if [ -z "$(PYTHON)" ]; then \
		echo "Industry Hubs needs Python 3.12 or newer, and none was found (tried python3.13, python3.12, python3 and pyenv's versions)." >&2; \
		echo "Install one, e.g. 'pyenv install 3.13' or your system's python3.13 package, then run make again." >&2; \
		exit 1; fi
	"$(PYTHON)" -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

# `make run` installs only what the site needs; the other targets add the development tools.
SITE_STAMP := $(VENV)/.installed-site

$(SITE_STAMP): $(PY) requirements.txt
	$(PY) -m pip install --quiet -r requirements.txt
	touch $(SITE_STAMP)

$(STAMP): $(PY) requirements.txt requirements-dev.txt
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $(STAMP) $(SITE_STAMP)

install-site: $(SITE_STAMP)

install: $(STAMP)

run: install-site
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo --if-empty
	@echo "Serving Industry Hubs at http://127.0.0.1:$(PORT)/ (Ctrl-C stops it)"
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

test: install
	$(PY) -m pytest -m "not browser and not screenshots and not lighthouse" $(ARGS)

# End-to-end journeys, axe-core and the Nu HTML Checker in Debian's Chromium
# (`apt-get install chromium`; the checker needs Java). The checkers come from npm.
BROWSER_TOOLS := tests/browser/node_modules/.installed

$(BROWSER_TOOLS): tests/browser/package.json tests/browser/package-lock.json
	npm ci --prefix tests/browser --no-audit --no-fund --ignore-scripts
	touch $(BROWSER_TOOLS)

test-browser: install $(BROWSER_TOOLS)
	$(PY) -m pytest -m browser $(ARGS)

# The README's screenshots and the Lighthouse figures, from a fresh demo site.
screenshots: install $(BROWSER_TOOLS)
	$(PY) -m pytest -m screenshots tests/browser/test_docs.py -q

lighthouse: install $(BROWSER_TOOLS)
	$(PY) -m pytest -m lighthouse tests/browser/test_docs.py -q -s

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

migrations-check: install
	$(PY) manage.py makemigrations --check --dry-run

bench: install
	$(PY) -m bench.run $(ARGS)

# Drills on loopback (docs/operations.md): PostgreSQL at 127.0.0.1:5432 (user postgres).
drill-mail: install
	$(PY) -m deploy.drills.mail --down-seconds $(or $(DOWN),10)

drill-restore: install
	$(PY) -m deploy.drills.restore $(ARGS)

# The production topology on loopback (docs/operations.md): PostgreSQL primary and streaming
# replica, Redis, the task worker and scheduler, two gunicorn nodes, HAProxy on port 58000.
cluster: install-site
	bash deploy/cluster/up.sh

cluster-down:
	bash deploy/cluster/down.sh

# Drills against the running cluster (`make cluster` first): mixed load for 60 s at 32
# connections; faults under load (FAULT=primary-restart, replica-stop, redis-stop, node-kill).
drill-load: install-site
	$(PY) -m deploy.drills.load $(ARGS)

drill-faults: install-site
	$(PY) -m deploy.drills.faults $(or $(FAULT),all) $(ARGS)

# For CI: a fresh cluster, 20 s of load and each fault for 15 s, then the cluster removed.
drills-short: install-site
	bash deploy/cluster/up.sh
	$(PY) -m deploy.drills.load --seconds 20 --connections 16; load=$$?; \
	$(PY) -m deploy.drills.faults all --seconds 15; faults=$$?; \
	bash deploy/cluster/down.sh; test $$load = 0 -a $$faults = 0

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles
