# Boai: two commands on a fresh clone.
#   make demo   install everything, load the demo city, serve it on http://127.0.0.1:8000
#   make test   install everything, run the whole test suite
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
VENDOR := src/boai/core/static/vendor
PYTEST_WORKERS ?= auto
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: demo test install vendor serve lint bench messages check-deploy clean

$(BIN)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=24"
	$(BIN)/python -m pip install --quiet -e '.[dev,bench]'
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

$(VENDOR)/.copied: node_modules/.installed
	rm -rf $(VENDOR) && mkdir -p $(VENDOR)/{bootstrap,bootstrap-icons,htmx,echarts,leaflet}
	cp node_modules/bootstrap/dist/css/bootstrap.min.css* node_modules/bootstrap/dist/js/bootstrap.bundle.min.js* $(VENDOR)/bootstrap/
	cp -r node_modules/bootstrap-icons/font/bootstrap-icons.min.css node_modules/bootstrap-icons/font/fonts $(VENDOR)/bootstrap-icons/
	cp node_modules/htmx.org/dist/htmx.min.js $(VENDOR)/htmx/
	cp node_modules/echarts/dist/echarts.min.js $(VENDOR)/echarts/
	cp -r node_modules/leaflet/dist/leaflet.js node_modules/leaflet/dist/leaflet.css node_modules/leaflet/dist/images $(VENDOR)/leaflet/
	touch $@

install: $(BIN)/.installed $(VENDOR)/.copied

vendor: $(VENDOR)/.copied

demo: install
	mkdir -p var
	$(BIN)/boai migrate --no-input
	$(BIN)/boai seed --preset demo --if-empty
	$(BIN)/boai demo_logins
	$(BIN)/boai runserver 127.0.0.1:8000

test: install
	BOAI_ENV=test $(BIN)/pytest -n $(PYTEST_WORKERS) -q

lint: install
	$(BIN)/ruff check .
	$(BIN)/bandit -q -c pyproject.toml -r $$(ls -d src verifier 2>/dev/null)
	$(BIN)/pip-audit --skip-editable --progress-spinner off

I18N_APPS := core orgs accounts people ledger firstaid volunteers donations relief wishes

# Each app keeps its own zh_Hans catalog; core's Excel engine keeps a separate one (core/tabular/locale),
# so only core ignores its tabular/ folder (other apps' tabular/ modules belong to their own catalog).
messages: install
	cd src/boai && for app in $(I18N_APPS); do [ -d $$app ] || continue; \
	  ign=$$([ $$app = core ] && echo tabular || echo __none__); (cd $$app && mkdir -p locale && \
	  PYTHONPATH=../.. ../../../$(BIN)/python -P -m boai.manage makemessages -l zh_Hans --no-obsolete \
	  --ignore "$$ign/*" --ignore "templates/$$ign/*" >/dev/null); done
	PYTHON=$(BIN)/python src/boai/core/tabular/locale/update.sh >/dev/null
	cd src/boai && for app in $(I18N_APPS); do [ -d $$app/locale ] || continue; (cd $$app && \
	  PYTHONPATH=../.. ../../../$(BIN)/python -P -m boai.manage compilemessages -l zh_Hans >/dev/null); done

check-deploy: install
	BOAI_ENV=production BOAI_SECRET_KEY=$$(head -c 48 /dev/urandom | base64) BOAI_ALLOWED_HOSTS=boai.example.org \
	BOAI_FIELD_KEYS=k1:$$(head -c 16 /dev/urandom | base64) BOAI_BLIND_INDEX_KEY=$$(head -c 32 /dev/urandom | base64) \
	BOAI_COMMITMENT_KEY=$$(head -c 32 /dev/urandom | base64) DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \
	BOAI_LOG_ORIGIN=boai.example.org/log BOAI_LOG_SIGNING_KEYS=boai.example.org/log:$$(head -c 32 /dev/urandom | base64) \
	$(BIN)/boai check --deploy --fail-level WARNING

BENCHMARKS := seed_city.py import_people.py ledger.py volunteer_hours.py donation_intake.py disclosure.py firstaid_public.py relief_dedupe.py

bench: install
	for script in $(BENCHMARKS); do echo "== $$script"; $(BIN)/python bench/$$script || exit 1; done

clean:
	rm -rf $(VENV) node_modules $(VENDOR) var
