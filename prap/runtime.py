"""What a server process does once the application is loaded, before its first request."""

import gc

from django.urls import get_resolver


def settle() -> None:
    """Load the URL configuration, then hide everything loaded so far from the garbage
    collector (``gc.freeze``): the modules, settings, models and URL patterns live as long as
    the process, and a full collection would otherwise walk all of them (about 150,000
    objects) in the middle of some request, adding tens of milliseconds to it. Collections
    then look only at what requests create. Called by ``prap.wsgi`` (so by every worker, or by
    gunicorn's master with ``--preload``, where it also keeps the pages shared by the forked
    workers from being copied) and by the benchmark, which measures the same process."""
    get_resolver().url_patterns  # noqa: B018 - imports every URL module now
    gc.collect()
    gc.freeze()
