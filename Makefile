# ecdop: `make run` to try it, `make test` to check it. Both set up everything they need.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000
MAIL_PORT ?= 1025
FLASK := $(BIN)/flask --app ecdop
STAMP := .make

.PHONY: run test coverage lint system-deps assets install clean

$(STAMP):
	mkdir -p $(STAMP) instance

# System packages: what WeasyPrint renders PDFs with, Chromium for browser tests, poppler
# and tesseract to turn panel packs into page images and read them back in the tests, Java for
# the Nu HTML Checker (vnu.jar, from npm) in the browser walk, the
# British English word list the panel papers' identifier check consults, and pg_dump and
# pg_restore for `backup` and `restore` on PostgreSQL. Installed
# only when missing (needs root/sudo).
$(STAMP)/system-deps: Makefile | $(STAMP)
	@missing=""; for pkg in libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core chromium poppler-utils tesseract-ocr wbritish postgresql-client default-jre-headless; do \
	  dpkg -s $$pkg >/dev/null 2>&1 || missing="$$missing $$pkg"; done; \
	if [ -n "$$missing" ]; then \
	  echo "Installing:$$missing"; \
	  SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); \
	  $$SUDO apt-get update -q && $$SUDO apt-get install -y -q $$missing; \
	fi
	touch $@

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP)/install: pyproject.toml $(BIN)/python | $(STAMP)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	touch $@

# GOV.UK Frontend from npm, compiled into static/dist (not committed).
$(STAMP)/assets: package.json static/src/ecdop.scss | $(STAMP)
	npm install --no-audit --no-fund --silent
	npm run --silent build
	touch $@

system-deps: $(STAMP)/system-deps
install: $(STAMP)/system-deps $(STAMP)/install
assets: $(STAMP)/assets

# The development server with the scheduler inside it, and a local mail catcher: every e-mail
# ecdop sends lands in instance/mail/new, one file per message.
run: export ECDOP_ENV = development
# The served port, also for the links in the e-mails ecdop writes (seed-demo's too).
run: export PORT := $(PORT)
run: install assets
	$(FLASK) db upgrade
	$(FLASK) seed-demo
	mkdir -p instance/mail/tmp instance/mail/new instance/mail/cur
	@echo "ecdop is starting on http://127.0.0.1:$(PORT); mail is caught in instance/mail/new"
	$(BIN)/aiosmtpd -n -l 127.0.0.1:$(MAIL_PORT) -c aiosmtpd.handlers.Mailbox instance/mail & \
	  catcher=$$!; trap "kill $$catcher 2>/dev/null" EXIT; \
	  ECDOP_SMTP_PORT=$(MAIL_PORT) $(FLASK) serve --port $(PORT)

# In parallel, one worker per core, each on a database of its own. A quick loop while working:
# make test PYTEST_ARGS="-m 'not e2e and not slow'"
TEST_WORKERS ?= auto
test: install assets
	$(BIN)/pytest -n $(TEST_WORKERS) $(PYTEST_ARGS)

# The whole suite with branch coverage of ecdop/: a summary here, the detail in htmlcov/.
coverage: install assets
	$(BIN)/pytest -n $(TEST_WORKERS) --cov --cov-report=term --cov-report=html $(PYTEST_ARGS)

# Style, formatting, the layers of docs/DESIGN.md rule 10 (import-linter's contracts in
# pyproject.toml), and types (mypy, its settings in pyproject.toml).
lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/mypy

clean:
	rm -rf $(VENV) node_modules static/dist $(STAMP)
