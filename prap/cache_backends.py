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

Keys read on every request (the public pages' content versions) can also be kept in each
process (the ``kept_in_process`` option, :class:`KeptKeys`): Redis tells the process of
every change to them, so reading them costs no round trip.
"""

from __future__ import annotations

import contextlib
import logging
import os
import select
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


#: Where Redis sends the names of tracked keys that changed (client tracking, RESP2).
INVALIDATE_CHANNEL = "__redis__:invalidate"
#: The name of each process's tracking connection in Redis's ``CLIENT LIST``.
CLIENT_NAME = "prap-kept-keys"


class KeptKeys:
    """The values of the cache's keys under some prefixes, kept in this process while Redis
    tells it of every change to them.

    One connection per process asks Redis to track the prefixes in broadcast mode
    (``CLIENT TRACKING ON BCAST PREFIX ... REDIRECT`` to itself) and subscribes to the
    invalidation channel: whenever any client sets, deletes or expires such a key, or the
    database is flushed, Redis sends the key's name there, before it answers the write.
    Each read first takes the waiting messages off that connection without waiting (a poll
    of its socket, no round trip) and forgets the keys they name; a value still kept is
    then current, and the others are read from Redis and kept. A write through this
    process's cache forgets the keys it wrote at once.

    Safe by default: nothing is kept unless the connection is up (a value is only kept once
    the subscription is in place, so no change can be missed in between), and when it fails
    (Redis restarted, the connection dropped) everything kept is forgotten, reads go to Redis
    as without this, and the connection is tried again after ``retry_seconds``. A value is
    kept ``seconds`` at most, which bounds how long a change Redis could not announce (a
    Redis that hangs without closing the connection) goes unseen. Shared by the threads of a
    process; a forked process makes its own connection.
    """

    def __init__(self, location: str, pool_options: dict, prefixes, seconds: float, retry: float):
        self.location = location
        self.pool_options = pool_options
        self.prefixes = tuple(prefixes)
        self.seconds = seconds
        self.retry = retry
        self._lock = threading.Lock()
        self._values: dict[str, tuple[float, object]] = {}
        self._generation = 0
        self._connection = None
        self._poller = None
        self._pid = None
        self._retry_at = 0.0

    def look_up(self, keys) -> tuple[dict, int | None]:
        """``(kept, generation)``: the values kept of ``keys`` (the cache's full keys), and
        the generation to pass to :meth:`keep` with those read from Redis; ``({}, None)``
        when nothing can be kept now."""
        now = time.monotonic()
        with self._lock:
            if not self._watching(now):
                return {}, None
            kept = {}
            for key in keys:
                entry = self._values.get(key)
                if entry is not None and entry[0] > now:
                    kept[key] = entry[1]
            return kept, self._generation

    def keep(self, values: dict, generation: int | None) -> None:
        """Keep ``values`` read from Redis, unless a change arrived since :meth:`look_up`
        gave ``generation`` (the value read may be the one before it)."""
        if generation is None or not values:
            return
        expires = time.monotonic() + self.seconds
        with self._lock:
            if generation == self._generation and self._connection is not None:
                for key, value in values.items():
                    self._values[key] = (expires, value)

    def forget(self, keys=None) -> None:
        """Forget ``keys`` (full keys), or everything."""
        with self._lock:
            self._generation += 1
            if keys is None:
                self._values.clear()
            else:
                for key in keys:
                    self._values.pop(key, None)

    def close(self) -> None:
        """Drop the connection and everything kept (tests; the next read connects again)."""
        with self._lock:
            self._drop_connection()
            self._retry_at = 0.0

    def is_watching(self) -> bool:
        return self._connection is not None and self._pid == os.getpid()

    def _watching(self, now: float) -> bool:
        if self._connection is not None and self._pid != os.getpid():
            # A forked process: the connection is its parent's.
            self._connection = None
            self._values.clear()
        if self._connection is None:
            if now < self._retry_at or is_degraded(now):
                return False
            return self._connect()
        return self._drain()

    def _connect(self) -> bool:
        import redis

        try:
            options = {**self.pool_options, "protocol": 2}
            connection = redis.ConnectionPool.from_url(self.location, **options).make_connection()
            connection.connect()
            connection.send_command("CLIENT", "SETNAME", CLIENT_NAME)
            connection.read_response()
            connection.send_command("CLIENT", "ID")
            client_id = connection.read_response()
            prefixes = [part for prefix in self.prefixes for part in ("PREFIX", prefix)]
            connection.send_command(
                "CLIENT", "TRACKING", "ON", "REDIRECT", client_id, "BCAST", *prefixes
            )
            connection.read_response()
            connection.send_command("SUBSCRIBE", INVALIDATE_CHANNEL)
            connection.read_response()
        except Exception as error:  # any failure: read from Redis, try again later
            self._lost(error, "connect")
            return False
        self._connection = connection
        self._pid = os.getpid()
        sock = getattr(connection, "_sock", None)
        self._poller = None
        if sock is not None:
            self._poller = select.poll()
            self._poller.register(sock, select.POLLIN)
        self._values.clear()
        self._generation += 1
        return True

    def _drain(self) -> bool:
        connection = self._connection
        try:
            if self._poller is not None and not self._poller.poll(0):
                return True  # nothing arrived: one system call, the usual case
            while connection.can_read(timeout=0):
                message = connection.read_response()
                if message[0] != b"message":
                    continue
                self._generation += 1
                if message[2] is None:  # the database was flushed
                    self._values.clear()
                else:
                    for key in message[2]:
                        self._values.pop(key.decode(), None)
        except Exception as error:  # the connection failed: nothing kept can be trusted
            self._lost(error, "read")
            return False
        return True

    def _lost(self, error: Exception, operation: str) -> None:
        self._drop_connection()
        self._retry_at = time.monotonic() + self.retry
        logger.warning(
            "cache tracking unavailable: %s failed, reading from the cache on every request",
            operation,
            extra={
                "event": "cache_tracking_lost",
                "operation": operation,
                "error": type(error).__name__,
            },
        )

    def _drop_connection(self) -> None:
        connection, self._connection = self._connection, None
        self._poller = None
        self._values.clear()
        self._generation += 1
        if connection is not None:
            with contextlib.suppress(Exception):  # already broken: nothing more to do
                connection.disconnect()


_kept_lock = threading.Lock()
_kept: dict[tuple, KeptKeys] = {}


def kept_keys(location: str, pool_options: dict, prefixes, seconds: float, retry: float):
    """The process's :class:`KeptKeys` for that Redis and those prefixes (one per process,
    whatever the number of threads and cache objects)."""
    identity = (location, tuple(prefixes), seconds, retry)
    with _kept_lock:
        kept = _kept.get(identity)
        if kept is None:
            kept = _kept[identity] = KeptKeys(location, pool_options, prefixes, seconds, retry)
        return kept


def close_kept_keys() -> None:
    """Close every tracking connection of this process and forget what it kept (tests:
    each starts without any)."""
    with _kept_lock:
        everything = list(_kept.values())
    for kept in everything:
        kept.close()


class ResilientRedisCache(RedisCache):
    """Django's Redis cache, with failures as misses (see the module docstring).

    ``OPTIONS``: ``retry_seconds`` (the circuit breaker's pause); ``kept_in_process``, key
    prefixes whose values each process keeps while Redis announces their changes
    (:class:`KeptKeys`, read with ``get_many``), for at most ``kept_seconds``.
    """

    def __init__(self, server, params):
        params = dict(params)
        options = dict(params.get("OPTIONS", {}))
        self.retry_seconds = float(options.pop("retry_seconds", 5))
        kept_prefixes = tuple(options.pop("kept_in_process", ()))
        kept_seconds = float(options.pop("kept_seconds", 5))
        options.setdefault("socket_connect_timeout", 0.5)
        options.setdefault("socket_timeout", 0.5)
        options.setdefault("retry_on_timeout", False)
        params["OPTIONS"] = options
        super().__init__(server, params)
        self._kept_prefixes = kept_prefixes
        self._kept = None
        self._full_keys: dict = {}
        if kept_prefixes:
            # Tracked as Redis names them: with the cache's key prefix and version.
            tracked = [self.make_key(prefix) for prefix in kept_prefixes]
            self._kept = kept_keys(
                self._servers[0], options, tracked, kept_seconds, self.retry_seconds
            )

    def _full_key(self, key, version):
        """The key as Redis names it, for a key kept in each process: made and validated
        once (there are a few dozen of them), not on every request."""
        made = self._full_keys.get((key, version))
        if made is None:
            made = self.make_and_validate_key(key, version=version)
            if len(self._full_keys) >= 4096:
                self._full_keys.clear()
            self._full_keys[(key, version)] = made
        return made

    def _is_kept(self, keys) -> bool:
        return self._kept is not None and all(key.startswith(self._kept_prefixes) for key in keys)

    def _forget(self, keys, version=None) -> None:
        """After a write through this process: what it wrote is not kept any longer."""
        if self._kept is not None:
            kept = [key for key in keys if key.startswith(self._kept_prefixes)]
            if kept:
                self._kept.forget([self.make_key(key, version=version) for key in kept])

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
        added = self._call(False, super().add, key, value, timeout, version)
        self._forget([key], version)
        return added

    def get(self, key, default=None, version=None):
        return self._call(default, super().get, key, default, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        self._call(None, super().set, key, value, timeout, version)
        self._forget([key], version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call(False, super().touch, key, timeout, version)

    def delete(self, key, version=None):
        deleted = self._call(False, super().delete, key, version)
        self._forget([key], version)
        return deleted

    def get_many(self, keys, version=None):
        keys = list(keys)
        if not self._is_kept(keys) or is_degraded():
            return self._call({}, super().get_many, keys, version)
        full = {self._full_key(key, version): key for key in keys}
        kept, generation = self._kept.look_up(full)
        if len(kept) == len(full):
            return {full[key]: value for key, value in kept.items()}
        found = self._call({}, super().get_many, keys, version)
        read = {made: found[key] for made, key in full.items() if key in found}
        self._kept.keep(read, generation)
        return found

    def has_key(self, key, version=None):
        return self._call(False, super().has_key, key, version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        failed = self._call(list(data), super().set_many, data, timeout, version)
        self._forget(list(data), version)
        return failed

    def delete_many(self, keys, version=None):
        keys = list(keys)
        self._call(None, super().delete_many, keys, version)
        self._forget(keys, version)

    def clear(self):
        cleared = self._call(False, super().clear)
        if self._kept is not None:
            self._kept.forget()
        return cleared

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
