"""The Django admin site, behind the same front door as every staff page.

Its own sign-in form is replaced by a redirect to ``/accounts/sign-in/`` (one sign-in page,
with throttling and the second step), and with ``REQUIRE_MFA`` on it lets in only a session
verified by the second step, even if a request got past ``MfaRequiredMiddleware``.
"""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme


class PrapAdminSite(admin.AdminSite):
    site_header = "PRAP Tracker administration"
    site_title = "PRAP Tracker admin"

    def has_permission(self, request) -> bool:
        if not super().has_permission(request):
            return False
        return not settings.REQUIRE_MFA or request.user.is_verified()

    @login_not_required
    def login(self, request, extra_context=None):
        user = request.user
        fully_signed_in = user.is_authenticated and (not settings.REQUIRE_MFA or user.is_verified())
        if fully_signed_in and not admin.AdminSite.has_permission(self, request):
            # Signed in (second step done) without admin access: sending them to sign in
            # again would bring them straight back here, round and round. Say why instead.
            return render(request, "admin_not_allowed.html", status=403)
        target = request.GET.get("next", "")
        if not url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            target = reverse("admin:index", current_app=self.name)
        return HttpResponseRedirect(f"{reverse('accounts:login')}?{urlencode({'next': target})}")
