"""gunicorn settings for `make serve`; each can be overridden from the environment."""

import multiprocessing
import os

bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
wsgi_app = "registry.wsgi:application"
# A web worker runs the same few queries over and over: PostgreSQL plans each once per connection
# (registry/settings.py).
os.environ.setdefault("DATABASE_PREPARED_STATEMENTS", "1")
# A web request waits seconds, not minutes, for the database: a hung one gives the 503 page (settings.py).
os.environ.setdefault("DATABASE_STATEMENT_TIMEOUT", "5")
# Sync workers: the app's time is in the database, and workers share nothing but it.
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 30
keepalive = 5
max_requests = 2000  # recycle workers now and then, so a slow leak cannot grow for ever
max_requests_jitter = 200
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = "-"
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms "%(a)s"'
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
