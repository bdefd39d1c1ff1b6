# The two commands: `make run` and `make test`. Everything else supports them.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
export DEBUG ?= true

.PHONY: run dev screenshots test install install-test lint format migrate demo bench lighthouse audit vnu oidc-provider wheels image clean

# The Nu HTML checker, fetched once from the npm registry into a git-ignored cache.
VNU_VERSION := 26.9.27
VNU_JAR := .cache/vnu-$(VNU_VERSION)/vnu.jar

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

install: $(VENV)/.installed

install-test: $(VENV)/.installed-test

migrate: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_models

demo: migrate
	$(BIN)/python manage.py seed_demo

# The same ASGI server as production (gunicorn with uvicorn's worker), one
# process on SQLite, static files served by the app as in production.
run: demo
	@echo "Serving on http://127.0.0.1:$(PORT)/"
	BIND=127.0.0.1:$(PORT) WEB_CONCURRENCY=1 ACCESS_LOG=true PYTHONMALLOC=malloc \
		$(BIN)/gunicorn -c config/gunicorn.conf.py config.asgi

# While changing the code: uvicorn alone, restarting on every saved file.
dev: demo
	$(BIN)/uvicorn config.asgi:application --reload --host 127.0.0.1 --port $(PORT)

# The guides' pictures in docs/images/ (scripts/screenshots.py): the demo on a
# throwaway database, a real Chromium through a workshop with phones.
screenshots: $(VENV)/.installed-test
	PORT=$(PORT) $(BIN)/python scripts/screenshots.py

lint: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install-test
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

$(VNU_JAR):
	rm -rf $(@D).tmp && mkdir -p $(@D).tmp
	cd $(@D).tmp && npm pack --silent vnu-jar@$(VNU_VERSION) >/dev/null \
		&& tar -xzf vnu-jar-$(VNU_VERSION).tgz package/build/dist/vnu.jar
	mkdir -p $(@D) && mv $(@D).tmp/package/build/dist/vnu.jar $@ && rm -rf $(@D).tmp

vnu: $(VNU_JAR)

# The real OpenID Connect provider the tests run (tests/oidc.py), installed
# from its lock file into a git-ignored node_modules.
OIDC_PROVIDER := tests/oidc_provider/node_modules/.installed
$(OIDC_PROVIDER): tests/oidc_provider/package.json tests/oidc_provider/package-lock.json
	cd tests/oidc_provider && npm ci --silent --no-audit --no-fund
	touch $@

oidc-provider: $(OIDC_PROVIDER)

test: install-test lint $(VNU_JAR) $(OIDC_PROVIDER)
	$(BIN)/python scripts/ensure_browser.py
	VNU_JAR=$(VNU_JAR) DEBUG=false SECRET_KEY=test-only-secret-key $(BIN)/python -m pytest $(PYTEST_ARGS)

# Known vulnerabilities fail; an unreachable advisory source only warns
# (AUDIT_STRICT=1 to fail then too). See scripts/audit_deps.py.
audit: install-test
	$(BIN)/python scripts/audit_deps.py

# A bounded load test on loopback (about 16-18 minutes); see docs/contributors.md "Benchmark".
# make bench [MODE=two] [DURATION=60] [CAPACITY_STEPS=100,150,...] [STEP_S=20]
$(VENV)/.installed-bench: pyproject.toml $(VENV)/.installed
	$(BIN)/pip install --quiet -e '.[bench]'
	touch $@

bench: $(VENV)/.installed-bench
	MODE=$(or $(MODE),one) bash bench/run.sh

# Lighthouse (performance, a phone on slow 4G, simulated) on four pages under
# production settings; see docs/contributors.md "Front end". Lighthouse and the Chromium
# driver it uses are installed from their lock file into a git-ignored
# node_modules, like the test suite's OIDC provider: Node runs the
# measurement only, never the service. package.json pins third-party-web
# (an override): a package Lighthouse uses asks for its "latest", which
# would not match the lock file from the day the next one is published.
LIGHTHOUSE := bench/lighthouse/node_modules/.installed
$(LIGHTHOUSE): bench/lighthouse/package.json bench/lighthouse/package-lock.json
	cd bench/lighthouse && npm ci --silent --no-audit --no-fund
	touch $@

lighthouse: $(VENV)/.installed $(LIGHTHOUSE)
	bash bench/lighthouse.sh

# The container image (Dockerfile; docs/operators.md "Containers"). The wheels
# are built here, with this machine's pip and index, for this Python, which
# must be the image's (BASE=local/python:3.11-bookworm: scripts/container_base.sh).
IMAGE ?= team-maturity:local
BASE ?= python:3.12-slim
wheels: | $(BIN)/python
	rm -rf build/wheels
	$(BIN)/pip wheel --quiet --wheel-dir build/wheels .

image: wheels
	docker build --network=host --build-arg BASE=$(BASE) -t $(IMAGE) .

clean:
	rm -rf $(VENV) build staticfiles db.sqlite3 .cache tests/oidc_provider/node_modules bench/lighthouse/node_modules
