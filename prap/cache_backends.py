"""A Redis cache whose failures cost speed, never a page.

Everything the product keeps in the cache can be rebuilt: public pages, the demo-data flag,
upload previews' keys. So when Redis is down, full or slow, a read is a miss and a write is
dropped, instead of an exception that turns every page into a 500:

- the client has short time-outs (``CACHE_CONNECT_TIMEOUT`` and ``CACHE_TIMEOUT``, seconds),
  so a Redis that accepts connections but never answers holds a request for a fraction of a
  second, not the operating system's minutes;
- after a failure the cache is skipped for ``CACHE_RETRY_SECONDS`` (a circuit breaker): a
  hanging Redis costs one time-out per process per interval, not one per cache call;
- every failure is logged (``prap.cache``, ``event=cache_error``) with the operation, the
  error's type and ``cache_errors_total``, the process's running count (:func:`error_count`),
  for a log-based metric and alert.
"""

from __future__ import annotations

import logging
import threading
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache

logger = logging.getLogger("prap.cache")

_lock = threading.Lock()
_errors = 0
_skip_until = 0.0


def error_count() -> int:
    """Cache operations that failed in this process since it started."""
    return _errors


def is_degraded(now: float | None = None) -> bool:
    """Whether this process is skipping the cache after a recent failure."""
    return (time.monotonic() if now is None else now) < _skip_until


def reset() -> None:
    """Forget past failures (tests)."""
    global _errors, _skip_until
    with _lock:
        _errors = 0
        _skip_until = 0.0


class ResilientRedisCache(RedisCache):
    """Django's Redis cache, with failures as misses (see the module docstring)."""

    def __init__(self, server, params):
        params = dict(params)
        options = dict(params.get("OPTIONS", {}))
        self.retry_seconds = float(options.pop("retry_seconds", 5))
        options.setdefault("socket_connect_timeout", 0.5)
        options.setdefault("socket_timeout", 0.5)
        options.setdefault("retry_on_timeout", False)
        params["OPTIONS"] = options
        super().__init__(server, params)

    def _failed(self, operation: str, error: Exception) -> None:
        global _errors, _skip_until
        with _lock:
            _errors += 1
            _skip_until = time.monotonic() + self.retry_seconds
        logger.warning(
            "cache unavailable: %s failed, treated as a miss",
            operation,
            extra={
                "event": "cache_error",
                "operation": operation,
                "error": type(error).__name__,
                "cache_errors_total": _errors,
            },
        )

    def _call(self, fallback, method, *args):
        if is_degraded():
            return fallback
        try:
            return method(*args)
        except Exception as error:  # any failure of the client is a miss
            self._failed(method.__name__, error)
            return fallback

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call(False, super().add, key, value, timeout, version)

    def get(self, key, default=None, version=None):
        return self._call(default, super().get, key, default, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        self._call(None, super().set, key, value, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call(False, super().touch, key, timeout, version)

    def delete(self, key, version=None):
        return self._call(False, super().delete, key, version)

    def get_many(self, keys, version=None):
        return self._call({}, super().get_many, keys, version)

    def has_key(self, key, version=None):
        return self._call(False, super().has_key, key, version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call(list(data), super().set_many, data, timeout, version)

    def delete_many(self, keys, version=None):
        self._call(None, super().delete_many, keys, version)

    def clear(self):
        return self._call(False, super().clear)

    def incr(self, key, delta=1, version=None):
        """As for a missing key (ValueError) when Redis cannot answer: callers already
        handle that case."""
        if not is_degraded():
            try:
                return super().incr(key, delta, version)
            except ValueError:
                raise
            except Exception as error:
                self._failed("incr", error)
        raise ValueError(f"Key {key!r} not found: the cache is unavailable")
