import django_filters

from plans.models import Force


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
