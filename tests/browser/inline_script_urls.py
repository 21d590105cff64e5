"""Test-only URLconf: the site plus one page that breaks the no-inline rule, to prove the
browser tests would catch such a template."""

from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse
from django.template import Context, Template
from django.urls import include, path

BROKEN_PAGE = Template(
    """<!DOCTYPE html>
<html lang="en-GB"><head><meta charset="utf-8"><title>Untouched</title>
<style>body { color: red; }</style></head>
<body>
<p style="font-weight: bold">Inline style attribute.</p>
<button type="button" onclick="document.title = 'Handler ran'">Inline handler</button>
<script>document.title = "Inline script ran";</script>
</body></html>"""
)


@login_not_required
def inline_script(request):
    return HttpResponse(BROKEN_PAGE.render(Context()))


urlpatterns = [
    path("inline-script/", inline_script),
    path("", include("prap.urls")),
]
