"""django-filter FilterSets: the force directory, the national comparison, the return tracker.

No query runs at import time: region choices are read when a form is built.
"""

from __future__ import annotations

from collections.abc import Mapping

import django_filters

from plans.models import Force
from plans.quarters import Quarter
from workstreams.models import Workstream

YES_NO = (("yes", "Yes"), ("no", "No"))


def region_choices() -> list[tuple[str, str]]:
    """Regions of the loaded forces, read when a form is built (never at import time)."""
    regions = Force.objects.order_by("region").values_list("region", flat=True).distinct()
    return [(region, region) for region in regions]


class ForceFilter(django_filters.FilterSet):
    region = django_filters.ChoiceFilter(empty_label="All regions", label="Region")
    country = django_filters.ChoiceFilter(
        choices=Force.Country.choices, empty_label="All countries", label="Country"
    )

    class Meta:
        model = Force
        fields = ["region", "country"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["region"].extra["choices"] = region_choices()


class NationalFilter(django_filters.FilterSet):
    """Filters for ``/national/``, given each force's latest quarter reported
    (``latest_reported``: ``{force id: quarter}``, forces that reported nothing left out).

    ``workstream`` does not remove forces: the view counts only that workstream's
    deliverables (see ``counted_workstream``).
    """

    region = django_filters.ChoiceFilter(
        choices=region_choices, label="Region", empty_label="All regions"
    )
    country = django_filters.ChoiceFilter(
        choices=Force.Country.choices, label="Country", empty_label="All"
    )
    workstream = django_filters.ModelChoiceFilter(
        queryset=Workstream.objects.all(),
        to_field_name="slug",
        method="count_only",
        label="Workstream",
        empty_label="All workstreams",
        help_text="Count only the deliverables under one workstream.",
    )
    reported = django_filters.ChoiceFilter(
        choices=YES_NO, method="filter_reported", empty_label="Any"
    )

    class Meta:
        model = Force
        fields: list[str] = []

    def __init__(
        self,
        data=None,
        queryset=None,
        *,
        latest_quarter: Quarter,
        latest_reported: Mapping[int, Quarter],
        **kwargs,
    ):
        self.latest_quarter = latest_quarter
        self.latest_reported = latest_reported
        super().__init__(data, queryset, **kwargs)
        self.filters["reported"].label = f"Reported for {latest_quarter}"
        self.filters["reported"].extra["help_text"] = (
            f"The quarter just ended, {latest_quarter.months_label}."
        )

    def count_only(self, queryset, name, value):
        return queryset

    def filter_reported(self, queryset, name, value):
        reported = [
            pk for pk, quarter in self.latest_reported.items() if quarter >= self.latest_quarter
        ]
        if value == "yes":
            return queryset.filter(pk__in=reported)
        return queryset.exclude(pk__in=reported)

    @property
    def counted_workstream(self) -> Workstream | None:
        """The workstream chosen (when valid), whose deliverables alone are counted."""
        if not self.is_bound or not self.form.is_valid():
            return None
        return self.form.cleaned_data.get("workstream")
