"""Following a force by e-mail, without an account: sign up, confirm, unsubscribe.

Nothing here sends e-mail: the sign-up queues a task for the worker, whatever the address, so
the page does the same work and gives the same answer for an address that already follows
the force, a new one, and one that asked too often (README, "E-mail alerts")."""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from alerts.forms import SignUpForm
from alerts.models import Subscription
from alerts.subscriptions import confirm as confirm_subscription
from alerts.subscriptions import link_has_expired
from alerts.subscriptions import unsubscribe as delete_subscription
from alerts.tasks import send_confirmation
from plans.models import Force
from prap.security import client_address, log_event


@login_not_required
@require_http_methods(["GET", "HEAD", "POST"])
def sign_up(request, slug: str):
    force = get_object_or_404(Force, slug=slug)
    form = SignUpForm(
        request.POST if request.method == "POST" else None,
        address=client_address(request),
        now=timezone.now(),
    )
    if request.method == "POST" and form.is_valid():
        if form.may_send():
            send_confirmation.enqueue(form.cleaned_data["email"], force.pk)
        else:
            log_event("alert_sign_up_limited", request, level=logging.WARNING)
        context = {"force": force, "days": settings.ALERTS_CONFIRM_SECONDS // 86400}
        return render(request, "alerts/sign_up_done.html", context)
    context = {"force": force, "form": form}
    return render(request, "alerts/sign_up.html", context)


@login_not_required
@require_http_methods(["GET", "HEAD", "POST"])
def confirm(request, token: str):
    """The link in the confirmation e-mail shows a button; the button confirms (a mail
    scanner that follows links confirms nothing)."""
    subscription = get_object_or_404(Subscription.objects.select_related("force"), token=token)
    now = timezone.now()
    confirmed = False
    if request.method == "POST":
        confirmed = confirm_subscription(subscription, now)
    context = {
        "subscription": subscription,
        "force": subscription.force,
        "expired": link_has_expired(subscription, now),
        "confirmed": confirmed or subscription.is_confirmed,
    }
    return render(request, "alerts/confirm.html", context)


@login_not_required
@csrf_exempt  # RFC 8058 one-click: mail programs POST with no cookie; the token is the proof
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe(request, token: str):
    """GET shows a button; POST (the button, or a mail program's one-click
    ``List-Unsubscribe=One-Click``) deletes the subscription. An unknown token (already
    unsubscribed) gets the same page as the one that unsubscribed."""
    subscription = Subscription.objects.select_related("force").filter(token=token).first()
    if request.method == "POST":
        delete_subscription(token)
        return render(request, "alerts/unsubscribed.html", {"force": None})
    if subscription is None:
        return render(request, "alerts/unsubscribed.html", {"force": None})
    context = {"subscription": subscription, "force": subscription.force}
    return render(request, "alerts/unsubscribe.html", context)
