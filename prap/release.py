"""Which release of the code is running, for the public page cache's keys (plans/cache.py):
pages rendered by one release are never served by another, even while both run against one
shared cache during a deploy.

``RELEASE`` from the environment (a commit id or a version, set when the image is built or
deployed); without it, a digest of the code itself (Python, templates, static files), so
that a release that forgot to set it still gets keys of its own.
"""

from __future__ import annotations

import functools
import hashlib
import os
from pathlib import Path

from django.conf import settings

#: What a page depends on: the code, the templates and the static files they link.
CODE_SUFFIXES = (".py", ".html", ".css", ".js", ".svg")
#: Not part of what serves a page.
SKIPPED_FOLDERS = {"tests", "docs", "bench", "scripts", "staticfiles", "node_modules", "media"}


def current() -> str:
    return settings.RELEASE or _running_code()


@functools.cache
def _running_code() -> str:
    return code_digest(Path(settings.BASE_DIR))


def code_digest(root: Path) -> str:
    """A digest of every file of the code under ``root`` (names and contents)."""
    digest = hashlib.sha256()
    for folder, folders, files in os.walk(root):
        folders[:] = sorted(
            name for name in folders if not name.startswith(".") and name not in SKIPPED_FOLDERS
        )
        for name in sorted(files):
            if name.endswith(CODE_SUFFIXES):
                path = Path(folder, name)
                digest.update(str(path.relative_to(root)).encode())
                digest.update(path.read_bytes())
    return f"code-{digest.hexdigest()[:16]}"
