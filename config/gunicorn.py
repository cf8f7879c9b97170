"""gunicorn settings: `gunicorn -c config/gunicorn.py config.wsgi`.

The application (Django, every app's code, the jieba dictionaries) is loaded
once in the master before the workers fork, so each worker starts warm and the
dictionaries' memory is shared copy-on-write. Sizes come from the environment;
the defaults are what bench/portal_bench.py measured best on a 2-core machine."""

import gc
import os

bind = os.environ.get("WEB_BIND", "127.0.0.1:8000")
# One worker per core and one more for the moments a worker waits on the
# database; two threads each. More threads only fight over each worker's GIL:
# on 2 cores, 3 × 2 answered 650 tracking queries/s where 4 × 4 answered 440.
workers = int(os.environ.get("WEB_WORKERS", (os.cpu_count() or 1) + 1))
worker_class = os.environ.get("WEB_WORKER_CLASS", "gthread")
threads = int(os.environ.get("WEB_THREADS", 2))
keepalive = int(os.environ.get("WEB_KEEPALIVE", 5))  # behind a proxy that reuses connections
preload_app = True


def when_ready(server) -> None:
    from django.db import connections

    from xinfang.lib.text import index_text

    index_text("预热")  # loads jieba and the user dictionary before the fork
    connections.close_all()  # no database socket may be shared by the forked workers
    # Everything loaded so far lives as long as the workers: move it out of the
    # garbage collector's sight, so full collections in the workers no longer walk
    # jieba's dictionaries and Django's import graph (and their pages stay shared).
    gc.collect()
    gc.freeze()
