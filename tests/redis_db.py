"""The Redis database the cache tests write to and flush (``TEST_REDIS_URL``, by default
database 13 on 127.0.0.1: the only one they ever flush).

``make test`` spreads the suite over the machine's cores (pytest-xdist, ``--dist
loadgroup``). Every test module that uses that database, itself or through what it imports
from such a module (a fixture, a helper), is put in one group (``tests/conftest.py``), so all
of them run on one worker, one test at a time, and no worker flushes another's keys.
"""

import os
import sys
from types import ModuleType

import pytest

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/13")

shares_redis = pytest.mark.xdist_group("redis")


def _names_redis_url(module: ModuleType | None) -> bool:
    return module is not None and vars(module).get("REDIS_URL") is REDIS_URL


def uses_shared_redis(module: ModuleType) -> bool:
    """The module imported ``REDIS_URL``, or something from a module that did."""
    if _names_redis_url(module):
        return True
    for value in vars(module).values():
        source = (
            value
            if isinstance(value, ModuleType)
            else sys.modules.get(getattr(value, "__module__", None) or "")
        )
        if source is not module and _names_redis_url(source):
            return True
    return False
