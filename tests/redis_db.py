"""The Redis database the cache tests write to and flush: ``TEST_REDIS_URL``, by default
database 13 on 127.0.0.1.

``make test`` spreads the suite over the machine's cores (pytest-xdist, at most eight
workers). Each worker has a database of its own, counting down from that one: worker
``gw0`` 13, ``gw1`` 12, ... ``gw7`` 6, so no worker flushes another's keys. Those are the
only databases the tests ever write to or flush.
"""

import os
from urllib.parse import urlsplit, urlunsplit


def _for_this_worker(url: str, worker: str) -> str:
    """``url`` with its database number lowered by the xdist worker's number ("gw2": 2)."""
    if not worker.startswith("gw"):
        return url
    parts = urlsplit(url)
    database = int(parts.path.strip("/") or 0) - int(worker[2:])
    if database < 0:
        raise RuntimeError(
            f"{url} leaves no Redis database for xdist worker {worker}: give TEST_REDIS_URL a "
            "higher database number, or run fewer workers (make test PYTEST_WORKERS=2)"
        )
    return urlunsplit(parts._replace(path=f"/{database}"))


REDIS_URL = _for_this_worker(
    os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/13"),
    os.environ.get("PYTEST_XDIST_WORKER", ""),
)
