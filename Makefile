# 益创 Yichuang — the two commands are `make demo` and `make test`.
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
FLASK := $(VENV)/bin/flask --app portal.app
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
# Debian packages: WeasyPrint's libraries (libharfbuzz-subset0 keeps Chinese PDFs fast), a CJK font,
# Chromium for the browser tests.
SYSTEM_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0 \
	libjpeg62-turbo libopenjp2-7 fontconfig fonts-noto-cjk fonts-wqy-microhei chromium
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: demo test bench install system-packages translations messages serve clean

install: system-packages $(VENV)/.installed translations

# Install the Debian packages in $(1) that are missing (apt-get update only when something is).
define apt_ensure
	@missing=""; for p in $(1); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "Installing system packages:$$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; \
	fi
endef

system-packages:
	$(call apt_ensure,$(SYSTEM_PACKAGES))

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PIP) install -q --upgrade pip
	$(PIP) install -q -e '.[test]'
	touch $@

translations: $(VENV)/.installed
	$(VENV)/bin/pybabel compile -d translations >/dev/null

# Re-extract the UI strings (keywords in babel.cfg) and merge them into the catalogue; then fill the
# new empty msgstrs in translations/en/LC_MESSAGES/messages.po and run `make translations`.
messages: $(VENV)/.installed
	$(VENV)/bin/pybabel extract -F babel.cfg --no-location --sort-output -w 120 -o /tmp/yichuang-messages.pot .
	$(VENV)/bin/pybabel update -i /tmp/yichuang-messages.pot -d translations --no-fuzzy-matching -w 120

demo: install
	$(FLASK) db upgrade
	$(FLASK) demo
	@echo "益创 is serving on http://$(HOST):$(PORT) — demo accounts are listed in README.md"
	$(FLASK) run --host $(HOST) --port $(PORT)

test: install
	$(PY) -m pytest

bench: install
	$(call apt_ensure,wrk)
	$(PY) benchmarks/run.py

clean:
	rm -rf $(VENV) instance test-artifacts
