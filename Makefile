# Two commands for a fresh machine: `make run` and `make test`. See README.md.
# `make serve` is the production start (docs/deploy.md): settings from the environment.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
DEMO_PASSWORD ?= tandem-demo

.PHONY: run serve test bench build deps test-deps system-deps lint clean protocol

$(VENV)/.installed: pyproject.toml requirements.lock
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.lock
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

deps: $(VENV)/.installed node_modules/.installed

build: node_modules/.installed
	npm run --silent build

# static/src/protocol.ts and the frame tables of docs/protocol.md, from the one declaration
# of the wire protocol (core/protocol.py). Run after changing it; a test fails until then.
protocol:
	$(PY) -m core.protocol_codegen

# The local demo: DEBUG on (and with it the public development SECRET_KEY), the demo
# group 72 and its agent, whose password is reset to DEMO_PASSWORD on every start.
run: deps build
	DEBUG=1 $(PY) manage.py migrate --noinput
	DEBUG=1 $(PY) manage.py demo --password "$(DEMO_PASSWORD)"
	@echo ""
	@echo "  Demo visitor page:  http://$(HOST):$(PORT)/demo/"
	@echo "  Agent dashboard:    http://$(HOST):$(PORT)/agent/   (log in as agent / $(DEMO_PASSWORD))"
	@echo ""
	DEBUG=1 $(VENV)/bin/daphne -b $(HOST) -p $(PORT) tandem.asgi:application

# Production (docs/deploy.md): every setting from the environment, DEBUG off unless the
# environment says otherwise; no demo data, no password set. Without SECRET_KEY the
# server refuses to start. PROXY_HEADERS=1 (behind a proxy that sets X-Forwarded-For)
# makes daphne take the client's address from that header: login throttling counts by it.
PROXY_HEADERS ?= 0
serve: deps build
	$(PY) manage.py check --deploy
	$(PY) manage.py migrate --noinput
	$(VENV)/bin/daphne $(if $(filter 1,$(PROXY_HEADERS)),--proxy-headers) \
	  -b $(HOST) -p $(PORT) tandem.asgi:application

# Debian packages the browser and scale tests need; installed only when missing.
system-deps:
	@missing=""; \
	test -x /usr/bin/chromium || missing="$$missing chromium"; \
	command -v redis-server >/dev/null || missing="$$missing redis-server"; \
	ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1 || missing="$$missing postgresql"; \
	if [ -n "$$missing" ]; then \
	  echo "Installing:$$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	fi

test-deps: deps system-deps build

lint: test-deps
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	npx tsc --noEmit -p static/tsconfig.json

test: lint
	$(VENV)/bin/pytest -q

bench: test-deps
	$(PY) bench/mirror_latency.py --seconds 5 --loads 200x5,500x5,20x50 \
		--redis default --redis-loads 200x5,20x50
	$(PY) bench/browser_latency.py
	$(PY) bench/presence.py
	$(PY) bench/fidelity.py

clean:
	rm -rf $(VENV) node_modules static/dist staticfiles
