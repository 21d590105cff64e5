from functools import reduce
from operator import and_

import django_filters
from django.db.models import Q

from actions.models import Status
from plans.models import Force
from public.filters import region_choices
from workstreams.models import PracticeExample, Workstream

WITHDRAWN = "withdrawn"


class WorkstreamDeliverableFilter(django_filters.FilterSet):
    """Filters a queryset annotated by ``with_current_status()``."""

    region = django_filters.ChoiceFilter(
        field_name="plan__force__region",
        empty_label="All regions",
        label="Region",
    )
    status = django_filters.ChoiceFilter(
        choices=[*Status.choices, (WITHDRAWN, "Withdrawn")],
        empty_label="Any status",
        label="Status",
        method="filter_status",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["region"].extra["choices"] = region_choices()

    def filter_status(self, queryset, name, value):
        if value == WITHDRAWN:
            return queryset.withdrawn()
        return queryset.active().filter(current_status=value)


class PracticeFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label="Search practice examples")
    workstream = django_filters.ModelChoiceFilter(
        queryset=Workstream.objects.all(),
        to_field_name="slug",
        empty_label="All workstreams",
        label="Workstream",
    )
    force = django_filters.ModelChoiceFilter(
        queryset=Force.objects.filter(practice_examples__isnull=False).distinct(),
        to_field_name="slug",
        empty_label="All forces",
        label="Force",
    )

    class Meta:
        model = PracticeExample
        fields = ["q", "workstream", "force"]

    def search(self, queryset, name, value):
        """Every word must appear in the title, the summary or the force's name."""
        words = value.split()[:10]
        if not words:
            return queryset
        return queryset.filter(
            reduce(
                and_,
                (
                    Q(title__icontains=word)
                    | Q(summary__icontains=word)
                    | Q(force__name__icontains=word)
                    for word in words
                ),
            )
        )
