# The README's two commands, `make run` and `make test`, need only python3 and make.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
MANAGE := $(BIN)/python manage.py

.PHONY: run worker test setup browser lint check clean serve backup restore screenshots loadtest bench-import bench bench-tasks

$(BIN)/.installed: requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

setup: $(BIN)/.installed
	mkdir -p var/static

# The development server and one task worker beside it (notices' mail, the admin's exports and large imports), which
# stops when the server does. The worker does not reload: restart `make run` after changing a task.
run: setup
	$(MANAGE) migrate --no-input
	$(MANAGE) seed
	$(MANAGE) dev_admin
	$(MANAGE) send_notices
	$(MANAGE) db_worker --no-reload & worker=$$!; trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
		$(MANAGE) runserver 127.0.0.1:$(PORT)

# A task worker (`manage.py db_worker`): run any number, on any machine sharing the database (and the file
# storage, FILES_DIR). In production with the same environment as `make serve`: DEBUG=0, SECRET_KEY, DATABASE_URL.
worker: setup
	$(MANAGE) send_notices
	$(MANAGE) db_worker $(WORKER_ARGS)

# Production serving: DEBUG off, static files collected (hashed, compressed) and served by whitenoise.
# Needs SECRET_KEY; set DATABASE_URL for PostgreSQL. Behind a TLS proxy set SECURE_PROXY_SSL_HEADER=X-Forwarded-Proto.
# Starts no task worker: run N of them beside it, here or on other machines (`make worker`, docs/operations.md).
serve: setup
	DEBUG=0 $(MANAGE) collectstatic --no-input -v0
	DEBUG=0 $(MANAGE) migrate --no-input
	DEBUG=0 PORT=$(PORT) $(BIN)/gunicorn -c registry/gunicorn.conf.py

backup: setup
	$(MANAGE) backup

restore: setup
	@test -n "$(FILE)" || (echo "usage: make restore FILE=var/backups/registry-....dump" && exit 2)
	$(MANAGE) restore "$(FILE)"

# Debian's Chromium for the browser tests, and a Chinese font for their screenshots, installed where apt-get
# may; elsewhere the browser tests are skipped, saying so (CI requires them: .ci/run).
browser:
	@command -v chromium >/dev/null || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null && \
		apt-get install -y -q chromium chromium-driver >/dev/null; } || \
		echo "Debian's chromium is not installed (apt-get install chromium chromium-driver): the browser tests are skipped."
	@fc-list :lang=zh 2>/dev/null | grep -q . || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null && \
		apt-get install -y -q fonts-wqy-microhei >/dev/null; } || true

# The suite in parallel, a worker per CPU (pytest-xdist); PYTEST_ARGS="-n0" runs it in one process.
test: setup browser
	$(BIN)/pytest -n auto --dist loadgroup $(PYTEST_ARGS)

# The browser tests again, saving their screenshots into docs/ (a plain `make test` keeps them under var/).
screenshots: setup browser
	SCREENSHOT_DIR=docs/screenshots $(BIN)/pytest tests/test_admin_browser.py tests/test_public_browser.py tests/test_notices_browser.py

# 50,000 requests across the public pages, then again under a login flood; gunicorn and PostgreSQL on loopback (DATABASE_URL must be PostgreSQL).
loadtest: setup
	$(BIN)/python bench/loadtest.py $(LOADTEST_ARGS)

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

check: setup
	$(MANAGE) check
	$(MANAGE) makemigrations --check --dry-run

clean:
	rm -rf $(VENV) var

# Speed of import_members and export_members on PostgreSQL (set DATABASE_URL); prints rows/s.
bench-import: setup
	$(BIN)/python bench/bench_import.py

# The registry at 100,000 members on PostgreSQL (set DATABASE_URL; the database is dropped and created again):
# public pages, admin, import and export against their anchors, in one table. See docs/performance.md.
bench: setup
	$(BIN)/python bench/bench.py $(BENCH_ARGS)

# The admin's export and import of 100,000 organisations through their tasks, on PostgreSQL (DATABASE_URL;
# the database is dropped and created again): seconds, and the worker's peak memory. See docs/performance.md.
bench-tasks: setup
	$(BIN)/python bench/bench_tasks.py $(BENCH_ARGS)
