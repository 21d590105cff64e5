# PRAP Tracker production image.
# Build:  docker build -t prap-tracker .
# Run:    docker run -p 8000:8000 --env-file prap.env prap-tracker
# Worker: docker run --env-file prap.env --stop-timeout 60 prap-tracker python manage.py db_worker --no-reload
#         (the same image: sends the e-mail the site queues; see README, "Background tasks")
# Daily:  docker run --rm --env-file prap.env prap-tracker python manage.py send_alert_digests
#         docker run --rm --env-file prap.env prap-tracker python manage.py delete_unconfirmed_alerts
#         (e-mail alerts; see README, "E-mail alerts")
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app

RUN groupadd --system --gid 10001 prap \
    && useradd --system --uid 10001 --gid prap --home-dir /app --no-create-home --shell /usr/sbin/nologin prap

# Dependencies first, so code changes do not reinstall them.
COPY pyproject.toml README.md ./
RUN pip install --no-cache-dir .

COPY --chown=prap:prap . .

# The release, in every public page's cache key (README, "Caching"): pass the commit id with
# --build-arg RELEASE=$(git rev-parse --short HEAD); without it, a digest of the code is used.
ARG RELEASE=""
ENV RELEASE=${RELEASE}

# Hashed, compressed static files baked into the image; the key is only for this step.
RUN SECRET_KEY=collectstatic-only-not-a-secret DEBUG=false \
    python manage.py collectstatic --noinput --verbosity 0

USER 10001
EXPOSE 8000

HEALTHCHECK --interval=30s --timeout=3s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import sys, urllib.request; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=2).status != 200)"]

# gunicorn.conf.py: workers (WEB_CONCURRENCY), timeouts, graceful shutdown on SIGTERM, JSON
# logs with the request id, no control socket, FORWARDED_ALLOW_IPS for the TLS proxy.
STOPSIGNAL SIGTERM
CMD ["gunicorn", "--config", "gunicorn.conf.py", "prap.wsgi"]
