"""The search page's box and filters (django-filter): what to find, then narrowed by kind,
force, region, workstream, status and quarter. No query runs at import time."""

from __future__ import annotations

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Max, Min

from actions.models import Status
from plans.models import Force
from plans.quarters import Quarter
from public.filters import region_choices
from search.index import WITHDRAWN
from search.models import Kind, SearchDocument
from search.terms import MAX_LENGTH, parse
from workstreams.models import Workstream


class SearchForm(forms.Form):
    def clean_q(self) -> str:
        terms = parse(self.cleaned_data.get("q"))
        if terms.problem:
            raise ValidationError(terms.problem)
        return terms.text


def quarter_choices() -> list[tuple[str, str]]:
    """Every quarter something in the index covers, newest first."""
    span = SearchDocument.objects.aggregate(first=Min("first_quarter"), last=Max("last_quarter"))
    if span["first"] is None:
        return []
    quarters = Quarter.range(span["first"], span["last"])
    return [(quarter.compact, str(quarter)) for quarter in reversed(quarters)]


class SearchFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label="Search", method="keep", max_length=MAX_LENGTH * 5, strip=True
    )
    kind = django_filters.ChoiceFilter(choices=Kind.choices, empty_label="Everything")
    force = django_filters.ChoiceFilter(
        field_name="force__slug", empty_label="All forces", label="Force"
    )
    region = django_filters.ChoiceFilter(field_name="force__region", empty_label="All regions")
    workstream = django_filters.ChoiceFilter(
        field_name="workstream__slug", empty_label="All workstreams", label="Workstream"
    )
    status = django_filters.ChoiceFilter(
        choices=[*Status.choices, (WITHDRAWN, "Withdrawn")], empty_label="Any status"
    )
    quarter = django_filters.ChoiceFilter(
        method="covering", empty_label="Any quarter", label="Quarter"
    )

    class Meta:
        model = SearchDocument
        fields = ["q", "kind", "force", "region", "workstream", "status", "quarter"]
        form = SearchForm

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Plain choices, one query each: a model choice field would count and then read.
        self.filters["force"].extra["choices"] = list(Force.objects.values_list("slug", "name"))
        self.filters["workstream"].extra["choices"] = list(
            Workstream.objects.values_list("slug", "name")
        )
        self.filters["region"].extra["choices"] = region_choices()
        self.filters["quarter"].extra["choices"] = quarter_choices()

    def keep(self, queryset, name, value):
        """The words are matched before filtering (``SearchDocument.objects.matching``)."""
        return queryset

    def covering(self, queryset, name, value):
        quarter = Quarter.parse(value)
        return queryset.filter(first_quarter__lte=quarter, last_quarter__gte=quarter)

    @property
    def narrowed(self) -> bool:
        """Whether any filter other than the words is in use."""
        data = self.form.data
        return any(data.get(name) for name in self.filters if name != "q")

    def filter_all_but(self, queryset, skipped: str):
        """``queryset`` through every valid filter except ``skipped``: the counts by kind
        are those the other filters leave."""
        for name, value in self.form.cleaned_data.items():
            if name != skipped:
                queryset = self.filters[name].filter(queryset, value)
        return queryset
