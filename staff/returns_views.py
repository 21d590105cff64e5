"""The return tracker (national team only): which forces have sent the quarter's return, with
the same filters and CSV and JSON downloads as the national comparison."""

from __future__ import annotations

import datetime as dt

import django_filters
import django_tables2 as tables
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.shortcuts import render
from django.utils import timezone
from django.utils.html import format_html
from django.views.decorators.http import require_safe
from django_tables2 import RequestConfig

from actions.reporting import with_return_progress
from plans.forms import QuarterChoiceForm
from plans.models import Force, ReturnState
from plans.quarters import Quarter, quarter_just_ended
from plans.returns import is_past_deadline, return_deadline
from public.downloads import download_links, requested_format, table_response
from public.filters import YES_NO, region_choices
from public.tables import NUMERIC, OVERDUE, TEXT, GovukTable
from staff.access import require_national_reader


def recent_quarters(today: dt.date, count: int = 8) -> list[Quarter]:
    """The quarter in progress and the ``count - 1`` before it, newest first."""
    current = Quarter.containing(today)
    return [current - back for back in range(count)]


class ReturnFilter(django_filters.FilterSet):
    """Filters for the return tracker. Works on ``actions.reporting.with_return_progress()``."""

    region = django_filters.ChoiceFilter(
        choices=region_choices, label="Region", empty_label="All regions"
    )
    state = django_filters.ChoiceFilter(
        field_name="return_state",
        choices=ReturnState.choices,
        label="State",
        empty_label="Any state",
    )
    overdue = django_filters.ChoiceFilter(
        choices=YES_NO, method="filter_overdue", label="Overdue", empty_label="Any"
    )

    class Meta:
        model = Force
        fields: list[str] = []

    def __init__(self, data=None, queryset=None, *, past_deadline: bool, **kwargs):
        self.past_deadline = past_deadline
        super().__init__(data, queryset, **kwargs)

    def filter_overdue(self, queryset, name, value):
        incomplete = ~Q(return_state=ReturnState.COMPLETE)
        if value == "yes":
            return queryset.filter(incomplete) if self.past_deadline else queryset.none()
        return queryset.exclude(incomplete) if self.past_deadline else queryset


class ReturnTable(GovukTable):
    """One row per force with deliverables due an update: ``Force`` objects annotated by
    ``actions.reporting.with_return_progress(forces, quarter)``.
    """

    caption = "Quarterly returns by force"

    name = tables.Column(verbose_name="Force", attrs=TEXT)
    slug = tables.Column(verbose_name="Force id", visible=False)
    region = tables.Column(attrs=TEXT)
    due_count = tables.Column(verbose_name="Deliverables due", attrs=NUMERIC)
    published_count = tables.Column(verbose_name="Published", attrs=NUMERIC)
    draft_count = tables.Column(verbose_name="Drafts", attrs=NUMERIC)
    missing_count = tables.Column(verbose_name="Missing", attrs=NUMERIC)
    last_activity = tables.DateTimeColumn(
        verbose_name="Last activity", format="j M Y", default="None", attrs=TEXT
    )
    return_state = tables.Column(verbose_name="State", attrs=TEXT)
    overdue = tables.Column(
        verbose_name="Overdue", accessor="return_state", orderable=False, attrs=TEXT
    )

    class Meta(GovukTable.Meta):
        empty_text = "No force matches these filters."

    def __init__(self, data, *, past_deadline: bool, **kwargs):
        self.past_deadline = past_deadline
        super().__init__(data, **kwargs)

    def render_return_state(self, value):
        tag = {
            ReturnState.COMPLETE: "govuk-tag--green",
            ReturnState.IN_PROGRESS: "govuk-tag--yellow",
            ReturnState.NOT_STARTED: "govuk-tag--grey",
        }[value]
        return format_html(
            '<strong class="govuk-tag {}">{}</strong>', tag, ReturnState(value).label
        )

    def value_return_state(self, value):
        return ReturnState(value).label

    def _is_overdue(self, state) -> bool:
        return self.past_deadline and state != ReturnState.COMPLETE

    def render_overdue(self, value):
        if self._is_overdue(value):
            return OVERDUE
        return "No"

    def value_overdue(self, value):
        return "yes" if self._is_overdue(value) else "no"

    def value_last_activity(self, value):
        return value.isoformat() if value else None


@login_required
@require_safe
def return_tracker(request):
    require_national_reader(request.user)
    today = timezone.localdate()
    quarter_form = QuarterChoiceForm(
        request.GET, quarters=recent_quarters(today), default=quarter_just_ended(today)
    )
    quarter = quarter_form.chosen
    days = settings.RETURN_DEADLINE_DAYS
    past_deadline = is_past_deadline(quarter, days, today)
    every_force = with_return_progress(Force.objects.all(), quarter).order_by("name")
    filterset = ReturnFilter(
        request.GET or None, every_force.filter(due_count__gt=0), past_deadline=past_deadline
    )
    table = ReturnTable(filterset.qs, past_deadline=past_deadline)
    table.caption = f"Returns for {quarter}"
    RequestConfig(request, paginate=False).configure(table)
    fmt = requested_format(request)
    if fmt:
        meta = {"quarter": quarter, "deadline": return_deadline(quarter, days)}
        return table_response(table, fmt, f"returns-{quarter.compact}", meta)
    summary = dict.fromkeys(ReturnState.values, 0)
    nothing_due = []
    for force in every_force:
        if force.return_state is None:
            nothing_due.append(force)
        else:
            summary[force.return_state] += 1
    context = {
        "quarter_form": quarter_form,
        "quarter": quarter,
        "deadline": return_deadline(quarter, days),
        "past_deadline": past_deadline,
        "filterset": filterset,
        "table": table,
        "summary": [(ReturnState(state).label, count) for state, count in summary.items()],
        "incomplete": summary[ReturnState.IN_PROGRESS] + summary[ReturnState.NOT_STARTED],
        "nothing_due": nothing_due,
        "download": download_links(request),
    }
    return render(request, "plans/return_tracker.html", context)
