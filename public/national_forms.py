"""Forms of the national pages: forces to compare, a force's trend, a return quarter."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from plans.models import Force

MIN_COMPARED = 2
MAX_COMPARED = 4


class SlugListWidget(forms.Widget):
    """Reads ``?forces=a,b`` and ``?forces=a&forces=b`` alike (the no-JavaScript form sends
    one select per force)."""

    def value_from_datadict(self, data, files, name):
        values = data.getlist(name) if hasattr(data, "getlist") else [data.get(name, "")]
        slugs = []
        for value in values:
            for slug in str(value).split(","):
                slug = slug.strip().lower()[:60]
                if slug and slug not in slugs:
                    slugs.append(slug)
        return slugs


class CompareForm(forms.Form):
    """Two to four forces, by slug, in the order given."""

    forces = forms.Field(widget=SlugListWidget, required=False)

    def __init__(self, *args, forces=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.queryset = Force.objects.all() if forces is None else forces

    def clean_forces(self) -> list[Force]:
        slugs: list[str] = self.cleaned_data["forces"] or []
        found = {force.slug: force for force in self.queryset.filter(slug__in=slugs)}
        unknown = [slug for slug in slugs if slug not in found]
        if unknown:
            names = ", ".join(f'"{slug}"' for slug in unknown)
            noun = "a force" if len(unknown) == 1 else "forces"
            raise ValidationError(
                f"We could not find {noun} called {names}. Choose forces from the lists.",
                code="unknown",
            )
        if len(slugs) < MIN_COMPARED:
            chosen = f" You chose only {found[slugs[0]].name}." if slugs else ""
            raise ValidationError(
                f"Choose at least {MIN_COMPARED} forces to compare.{chosen}", code="too_few"
            )
        if len(slugs) > MAX_COMPARED:
            raise ValidationError(
                f"Choose no more than {MAX_COMPARED} forces to compare: you chose {len(slugs)}.",
                code="too_many",
            )
        return [found[slug] for slug in slugs]

    def chosen_slugs(self) -> list[str]:
        """The slugs as submitted (valid or not), to keep the person's choices on error."""
        return self["forces"].value() or []


class TrendForm(forms.Form):
    force = forms.ModelChoiceField(
        queryset=Force.objects.all(),
        to_field_name="slug",
        required=False,
        empty_label="All forces (national)",
        label="Show the trend for",
        error_messages={"invalid_choice": "There is no such force. Choose one from the list."},
    )


class DisparityForm(forms.Form):
    """Which year, census and group ``/national/disparities/`` shows. An empty or missing
    choice takes the default: the newest year, Census 2021, Black people."""

    year = forms.ChoiceField(
        label="Year (April to March)",
        required=False,
        error_messages={"invalid_choice": "There are no figures for that year. Choose one."},
    )
    census = forms.TypedChoiceField(
        label="Population from",
        choices=[("2021", "Census 2021"), ("2011", "Census 2011")],
        help_text="Census 2011 is given for 2020/21 only.",
        coerce=int,
        error_messages={"invalid_choice": "Choose Census 2021 or Census 2011."},
        required=False,
        empty_value=None,
    )
    group = forms.ChoiceField(
        label="Ethnic group compared with White",
        choices=[(group, group) for group in ("Black", "Asian", "Mixed", "Other")],
        required=False,
        error_messages={"invalid_choice": "Choose Black, Asian, Mixed or Other."},
    )

    def __init__(self, *args, years: list[str], census_years: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.census_years = census_years
        self.fields["year"].choices = [(year, year) for year in reversed(years)]
        self.default_year = years[-1] if years else ""

    def clean(self):
        data = super().clean()
        year = data.get("year") or self.default_year
        census = data.get("census") or 2021
        data["year"], data["census"], data["group"] = year, census, data.get("group") or "Black"
        allowed = self.census_years.get(census)
        if allowed and year not in allowed:
            self.add_error(
                "census",
                f"Census 2011 figures are given for {', '.join(allowed)} only: choose that "
                "year, or Census 2021.",
            )
        return data
