"""gunicorn's settings for an app node (`gunicorn config.wsgi -c deploy/gunicorn.conf.py`).

Threads let one process wait on the database for several requests; each process keeps its own
small pool of connections (DATABASE_POOL). WEB_CONCURRENCY sets the processes (2 per core).
"""

import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
# A request that takes longer than this is killed: nothing here should take seconds.
timeout = 30
# On SIGTERM, finish requests in hand for this long: the balancer has stopped sending new ones.
graceful_timeout = 10
keepalive = 5
# Recycle a process now and then, so slow growth of memory never builds up.
max_requests = 5000
max_requests_jitter = 500
