# The two commands: `make run` serves the demo, `make test` runs the whole suite. Both set themselves up.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
NODE_STAMP := node_modules/.installed

.PHONY: run host test install translations lint chromium nginx fonts axe chartjs constraints stack bench wrk

# constraints.txt pins every package, so a new upstream release changes nothing until we choose it.
$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c constraints.txt -e '.[test]'
	touch $(STAMP)

# Catalogs: eventreg/translations/<lang>/LC_MESSAGES/messages.po are committed; the .mo files Flask-Babel reads are
# built from them here (and by a production checkout's own `pybabel compile -d eventreg/translations`).
CATALOGS := $(wildcard eventreg/translations/*/LC_MESSAGES/messages.po)
COMPILED := $(CATALOGS:.po=.mo)

%.mo: %.po $(STAMP)
	$(BIN)/pybabel compile -i $< -o $@ >/dev/null

install: $(STAMP) $(COMPILED)

# After marking strings: extract them into messages.pot and add the new ones, untranslated, to every catalog.
# tests/test_translations.py fails until the .pot is up to date and every entry is translated and not fuzzy.
translations: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -k lazy_ngettext:1,2 -k lazy_pgettext:1c,2 -k N_ --no-location \
		--sort-output --project eventreg -o eventreg/translations/messages.pot .
	$(BIN)/pybabel update -i eventreg/translations/messages.pot -d eventreg/translations \
		--no-fuzzy-matching --ignore-obsolete

# axe-core for the accessibility scans in tests/browser/, and Chart.js, at the versions package-lock.json pins.
$(NODE_STAMP): package-lock.json
	npm ci --no-audit --no-fund
	touch $(NODE_STAMP)

axe: $(NODE_STAMP)

# The hosts' charts are drawn by Chart.js served from eventreg/static/, where its file is committed: `make run`, a
# production checkout and nginx then need no Node. After changing its version in package.json (npm install), copy
# the new file there with `make chartjs`; tests/charts/test_library.py fails while the two differ.
chartjs: $(NODE_STAMP)
	cp node_modules/chart.js/dist/chart.umd.min.js eventreg/static/chart.umd.min.js
	cp node_modules/chart.js/LICENSE.md eventreg/static/chart.js-LICENSE.md

# The embedded default: SQLite, demo data, mail into instance/outbox/, development settings.
run: export EVENTREG_PRODUCTION = false
run: install
	$(BIN)/flask --app eventreg db upgrade
	$(BIN)/flask --app eventreg seed-demo
	$(BIN)/flask --app eventreg run --host 127.0.0.1 --port 5000

# A host account for the `make run` site (same database and settings); prompts for the password.
host: export EVENTREG_PRODUCTION = false
host: install
	@if [ -z "$(EMAIL)" ]; then echo "Usage: make host EMAIL=you@library.org"; exit 2; fi
	$(BIN)/flask --app eventreg db upgrade
	$(BIN)/flask --app eventreg create-host "$(EMAIL)" --admin

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

# One pytest-xdist worker per core (WORKERS=0 runs in one process); each worker has its own SQLite files and
# PostgreSQL database (tests/conftest.py).
WORKERS ?= auto
test: install chromium nginx fonts axe lint
	$(BIN)/pytest -n $(WORKERS) $(PYTEST_ARGS)

# Browser tests need Debian's Chromium; install it when we can (root with apt-get), else say so.
chromium:
	@if [ -x /usr/bin/chromium ] || [ -n "$$EVENTREG_CHROMIUM" ]; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		echo "Installing Chromium for the browser tests..."; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	else \
		echo "NOTE: Chromium is missing and cannot be installed here (needs root and apt-get): browser tests will be SKIPPED."; \
	fi

# tests/test_deploy.py runs the shipped nginx configuration with Debian's nginx; install it the same way.
nginx:
	@if [ -x /usr/sbin/nginx ] || [ -n "$$EVENTREG_NGINX" ]; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		echo "Installing nginx for the deployment test..."; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx-light >/dev/null; \
	else \
		echo "NOTE: nginx is missing and cannot be installed here (needs root and apt-get): the deployment test will be SKIPPED."; \
	fi

# Certificates (WeasyPrint) need fonts for every script a name may be in: Noto for Latin, Arabic and Devanagari,
# WenQuanYi Micro Hei for Chinese (5 MB, against Noto CJK's 100+); tests/certificates read the PDFs back with
# poppler-utils. Installed the same way as Chromium; a production server needs the fonts too.
fonts:
	@if fc-list 2>/dev/null | grep -q 'Noto Sans Devanagari' && fc-list | grep -q 'WenQuanYi Micro Hei' \
		&& command -v pdftotext >/dev/null && ldconfig -p | grep -q libharfbuzz-subset; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		echo "Installing fonts and poppler-utils for the certificates..."; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-noto-core fonts-wqy-microhei libharfbuzz-subset0 poppler-utils >/dev/null; \
	else \
		echo "NOTE: certificate fonts or poppler-utils are missing and cannot be installed here (needs root and apt-get): the PDF tests will be SKIPPED."; \
	fi

# The benchmark (benchmarks/run.py, README "Benchmarks") on a PostgreSQL server (BENCH_ARGS, e.g.
# --database-url postgresql://...), with nginx and wrk, the native load generator, installed when we can.
bench: install nginx wrk
	$(BIN)/python -m benchmarks.run $(BENCH_ARGS)

# wrk drives the benchmark's load; without it benchmarks.run falls back to its Python generator, which tops out near
# 3,000 requests a second and so measures itself rather than nginx (each row names its generator).
wrk:
	@if command -v wrk >/dev/null; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		echo "Installing wrk for the benchmark..."; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; \
	else \
		echo "NOTE: wrk is missing and cannot be installed here (needs root and apt-get): the benchmark will use its Python load generator."; \
	fi

# The production stack on loopback, with the demo: nginx -> gunicorn -> PostgreSQL, Redis (deploy/stack.py).
stack: install nginx
	$(BIN)/python -m deploy.stack $(STACK_ARGS)

# Re-resolve constraints.txt from pyproject.toml's ranges in a scratch venv (the newest releases allowed).
constraints:
	rm -rf .venv-constraints && $(PYTHON) -m venv .venv-constraints
	.venv-constraints/bin/pip install --quiet -e '.[test]'
	(sed -n '1,3p' constraints.txt; .venv-constraints/bin/pip freeze --exclude-editable) > constraints.new
	mv constraints.new constraints.txt && rm -rf .venv-constraints
