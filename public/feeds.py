"""Atom feed of a force's published quarterly updates, engagement activities and scrutiny
panel views with the force's replies (Django's syndication framework)."""

from django.contrib.auth.decorators import login_not_required
from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape, format_html, format_html_join

from actions.models import QuarterlyUpdate
from actions.templatetags.narrative import render_narrative
from engagement.models import Activity
from panels.models import PanelView
from plans.cache import public_page
from plans.models import Force
from public.templatetags.prap import web_address

FEED_LENGTH = 50


class ForceUpdatesFeed(Feed):
    feed_type = Atom1Feed

    def get_object(self, request, slug):
        return get_object_or_404(Force, slug=slug)

    def title(self, force):
        return f"{force.name}: Police Race Action Plan updates"

    def subtitle(self, force):
        return (
            f"Quarterly progress updates published by {force.name} on its Police Race "
            "Action Plan deliverables."
        )

    def link(self, force):
        return force.get_absolute_url()

    def feed_url(self, force):
        return reverse("plans:force_feed", args=[force.slug])

    def author_name(self, force):
        return force.name

    def items(self, force):
        """The newest published updates of the force's published plans and its newest
        published engagement activities, newest first. Never a draft."""
        updates = (
            QuarterlyUpdate.objects.public()
            .for_force(force)
            .select_related("deliverable__plan__force", "deliverable__workstream")
            .order_by("-published_at", "-pk")[:FEED_LENGTH]
        )
        activities = (
            Activity.objects.published()
            .for_force(force)
            .select_related("force")
            .defer("partner_contacts")
            .order_by("-published_at", "-pk")[:FEED_LENGTH]
        )
        views = (
            PanelView.objects.for_force(force)
            .standing()
            .select_related("panel", "deliverable__plan__force", "reply", "force")
            .order_by("-published_at", "-pk")[:FEED_LENGTH]
        )
        items = sorted([*updates, *activities, *views], key=lambda i: i.published_at, reverse=True)
        return items[:FEED_LENGTH]

    def item_title(self, update):
        if isinstance(update, PanelView):
            about = update.deliverable.title if update.deliverable else "the whole return"
            return (
                f"{update.panel.name}: {update.get_verdict_display()} on {about} ({update.quarter})"
            )
        if isinstance(update, Activity):
            return f"You said, we did: {update.title} ({update.held_on:%-d %B %Y})"
        return f"{update.deliverable.title}: {update.get_status_display()} ({update.quarter})"

    def item_link(self, update):
        if isinstance(update, PanelView):
            if update.deliverable:
                return f"{update.deliverable.get_absolute_url()}#update-{update.quarter.compact}"
            return reverse("panels:force", args=[update.force.slug]) + (
                f"#quarter-{update.quarter.compact}"
            )
        if isinstance(update, Activity):
            return reverse("engagement:force", args=[update.force.slug]) + f"#activity-{update.pk}"
        return f"{update.deliverable.get_absolute_url()}#update-{update.quarter.compact}"

    def item_pubdate(self, update):
        return update.published_at

    def item_updateddate(self, update):
        if isinstance(update, PanelView):
            reply = getattr(update, "reply", None)
            return reply.published_at if reply else update.published_at
        if isinstance(update, Activity):
            return update.published_at
        return update.corrected_at or update.published_at

    def item_categories(self, update):
        if isinstance(update, PanelView):
            return ["Scrutiny panel"]
        if isinstance(update, Activity):
            return ["Engagement", *update.theme_labels]
        return [update.deliverable.workstream.name]

    def item_description(self, update):
        if isinstance(update, PanelView):
            return _panel_view_description(update)
        if isinstance(update, Activity):
            return str(
                format_html(
                    "<p>{} on {}.</p><h3>You said</h3><p>{}</p>",
                    update.get_kind_display(),
                    f"{update.held_on:%-d %B %Y}",
                    update.heard,
                )
            )
        parts = [
            format_html(
                "<p><strong>{}</strong> in {} ({})</p>",
                update.get_status_display(),
                update.quarter,
                update.deliverable.workstream.name,
            )
        ]
        if update.done:
            # The same Markdown rendering and cleaning as the deliverable page: safe HTML that
            # the feed escapes once, as Atom's type="html" expects.
            parts.append(format_html("<h3>What was done</h3>{}", render_narrative(update.done)))
        if update.next:
            parts.append(format_html("<h3>What is next</h3>{}", render_narrative(update.next)))
        links = [url for url in update.evidence_links if web_address(url)]
        if links:
            parts.append(
                format_html(
                    "<h3>Evidence</h3><ul>{}</ul>",
                    format_html_join("", '<li><a href="{}">{}</a></li>', ((u, u) for u in links)),
                )
            )
        return "".join(str(part) for part in parts) or escape(update.deliverable.title)


# The view the URL serves: cached like the force's other pages (its version changes with
# every publish), public.
force_updates_feed = login_not_required(public_page(force_kwarg="slug")(ForceUpdatesFeed()))


def _panel_view_description(view: PanelView) -> str:
    parts = [
        format_html("<p><strong>{}</strong> ({})</p>", view.get_verdict_display(), view.quarter)
    ]
    if view.reasons:
        parts.append(render_narrative(view.reasons))
    links = [url for url in view.evidence_links if web_address(url)]
    if links:
        parts.append(
            format_html(
                "<h3>The panel's evidence</h3><ul>{}</ul>",
                format_html_join("", '<li><a href="{}">{}</a></li>', ((u, u) for u in links)),
            )
        )
    reply = getattr(view, "reply", None)
    if reply:
        parts.append(
            format_html(
                "<h3>The force's reply ({})</h3>{}",
                f"{reply.published_at:%-d %B %Y}",
                render_narrative(reply.text),
            )
        )
    return "".join(str(part) for part in parts)
