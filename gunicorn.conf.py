"""gunicorn settings for PRAP Tracker: ``gunicorn --config gunicorn.conf.py prap.wsgi``.

Every value can be changed from the environment (see README, "Deploying"). Logs go to stdout
as JSON lines, like the application's own (prap/logs.py).
"""

import os


def _int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


# Listen on all interfaces inside the container; the TLS proxy is the only thing in front.
bind = [os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")]

# Synchronous workers: 2 per core plus one, at most 8, unless WEB_CONCURRENCY says otherwise.
workers = _int("WEB_CONCURRENCY", min(2 * (os.cpu_count() or 1) + 1, 8))
worker_class = "sync"

# A request that takes longer than this is killed (and logged) rather than tying up a worker.
timeout = _int("GUNICORN_TIMEOUT", 30)
# On SIGTERM (a deploy or scale-down), workers finish the requests they have for this long.
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 20)
# Keep-alive with the proxy in front: a little longer than nothing, shorter than its own.
# Only threaded and asynchronous workers keep a connection alive: the synchronous workers
# above close each one after its response, whatever this says.
keepalive = _int("GUNICORN_KEEPALIVE", 5)

# Workers are not recycled (0): recycling guards against a leak, and none is known (pages
# come from the cache, the exports stream in flat memory); each recycle costs a new worker
# the import of Django, about half a second of CPU, while it cannot answer. Workers that
# start together and share the load evenly reach any fixed count together, so a recycle
# every 2,000 requests with 10% jitter restarted them at nearly the same moment, a stall of
# the whole site every few seconds under load. If a leak ever needs it, set
# GUNICORN_MAX_REQUESTS: each worker then draws its own count from that number up to half
# as much again (GUNICORN_MAX_REQUESTS_JITTER), so they restart one at a time.
max_requests = _int("GUNICORN_MAX_REQUESTS", 0)
max_requests_jitter = _int("GUNICORN_MAX_REQUESTS_JITTER", max_requests // 2)

# Heartbeat files in memory (tmpfs), not on the container's overlay disk, which can stall.
worker_tmp_dir = os.environ.get("GUNICORN_WORKER_TMP_DIR", "/dev/shm")  # noqa: S108  # nosec B108

# Which addresses may set X-Forwarded-Proto and friends: the TLS proxy's. Comma-separated.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

# No runtime control socket: nothing outside the process manages workers in a container.
control_socket_disable = True

# Limits on the request line and headers (gunicorn's defaults, stated).
limit_request_line = 4094
limit_request_fields = 100
limit_request_field_size = 8190

# One line per request, the application's: gunicorn writes it once the response is sent,
# with the request id, user and force the application left and its own bytes, address and
# time (prap/gunicorn_logging.py), and the application writes none of its own.
logger_class = "prap.gunicorn_logging.RequestLineLogger"
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# gunicorn's own format, for a logger_class that uses it (RequestLineLogger writes its line
# itself): the path without its query string (which may carry a token), the status, size,
# duration and the request id the application set.
access_log_format = (
    '%(h)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms request_id=%({x-request-id}o)s "%(a)s"'
)
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "prap.logs.JsonFormatter"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": "json",
        }
    },
    "loggers": {
        "gunicorn.error": {"handlers": ["console"], "level": loglevel.upper(), "propagate": False},
        "gunicorn.access": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}
