# Quick start: `make run` serves the portal on http://127.0.0.1:$(PORT); `make test` runs the tests.
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin
PORT   ?= 8000

.PHONY: run test test-postgres install install-dev serve check-deploy clean

$(BIN)/python:
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "需要 Python 3.11 及以上版本"'
	@$(PYTHON) -m venv $(VENV) 2>/dev/null || { \
	  echo "python3-venv 缺失，尝试安装……"; \
	  apt-get install -y python3-venv >/dev/null && $(PYTHON) -m venv $(VENV); }

$(VENV)/.runtime: requirements.txt | $(BIN)/python
	$(BIN)/pip install -q --disable-pip-version-check -r requirements.txt
	@touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install -q --disable-pip-version-check -r requirements-dev.txt
	@touch $@ $(VENV)/.runtime

install: $(VENV)/.runtime
install-dev: $(VENV)/.dev

run: install
	$(BIN)/python manage.py migrate --noinput -v 0
	$(BIN)/python manage.py setup_portal
	PORT=$(PORT) BIN=$(BIN) bash bin/run-embedded

# FAKETIME="@2027-01-01 00:05:00" make test: the suite (without the browser tests, which
# libfaketime makes unreliable) with the clock started at that moment in Asia/Shanghai.
test: install-dev
ifdef FAKETIME
	@command -v faketime >/dev/null || { echo "需要 Debian 的 faketime 软件包：apt-get install -y faketime" >&2; exit 1; }
	TZ=Asia/Shanghai faketime -f "$(FAKETIME)" $(BIN)/pytest -m "not browser" $(PYTEST_ARGS)
else
	$(BIN)/pytest $(PYTEST_ARGS)
endif

check-deploy: install
	SECRET_KEY=$$(head -c 48 /dev/urandom | base64) PERSON_ID_KEY=$$(head -c 48 /dev/urandom | base64) \
	ALLOWED_HOSTS=portal.example.gov.cn \
	DATABASE_URL=postgres://localhost/yuzhong_care DJANGO_SETTINGS_MODULE=yuzhong_care.settings.production \
	$(BIN)/python manage.py check --deploy --fail-level WARNING

clean:
	rm -rf $(VENV) var db.sqlite3
