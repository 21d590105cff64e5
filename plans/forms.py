from __future__ import annotations

import datetime as dt

from django import forms
from django.db.models import Max, Min

from plans.fields import QuarterChoiceField
from plans.models import Force, Plan
from plans.quarters import Quarter
from prap.forms import GovukFormMixin, VersionField

#: How many financial years before and after today's a plan may start or end in.
PLAN_YEARS_BEFORE, PLAN_YEARS_AFTER = 4, 6


def plan_quarters(today: dt.date, current: Quarter | None = None) -> list[Quarter]:
    """The quarters a plan may start or end in: every quarter from four financial years
    before today's to six after it, and the plan's own ``current`` quarter if it is outside
    them (so an old plan's form shows its period as it is)."""
    year = Quarter.containing(today).year
    quarters = Quarter.range(
        Quarter(year - PLAN_YEARS_BEFORE, 1), Quarter(year + PLAN_YEARS_AFTER, 4)
    )
    if current is not None and current not in quarters:
        quarters = sorted({*quarters, current})
    return quarters


class PlanForm(GovukFormMixin, forms.ModelForm):
    title = forms.CharField(
        label="Title",
        max_length=200,
        error_messages={
            "required": "Enter the plan's title",
            "max_length": "The title must be 200 characters or fewer (it has %(show_value)d)",
        },
    )
    summary = forms.CharField(
        label="Summary",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="What the plan is for, in a few sentences. The public reads this first.",
        error_messages={
            "max_length": "The summary must be 5000 characters or fewer (it has %(show_value)d)"
        },
    )
    first_quarter = QuarterChoiceField(
        label="First quarter",
        error_messages={
            "required": "Choose the first quarter",
            "invalid_choice": "Choose the first quarter from the list",
        },
    )
    last_quarter = QuarterChoiceField(
        label="Last quarter",
        error_messages={
            "required": "Choose the last quarter",
            "invalid_choice": "Choose the last quarter from the list",
        },
    )
    version = VersionField()

    class Meta:
        model = Plan
        fields = ["title", "summary", "first_quarter", "last_quarter"]

    def __init__(self, *args, today: dt.date, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["version"].initial = self.instance.version if self.instance.pk else 0
        for name in ("first_quarter", "last_quarter"):
            self.fields[name].quarters = plan_quarters(today, getattr(self.instance, name))

    def clean(self):
        cleaned = super().clean()
        first, last = cleaned.get("first_quarter"), cleaned.get("last_quarter")
        if first and last and last < first:
            self.add_error("last_quarter", f"The last quarter must be {first} or later")
        elif first and last and self.instance.pk:
            span = self.instance.deliverables.aggregate(
                start=Min("start_quarter"), due=Max("due_quarter")
            )
            if span["start"] and span["start"] < first:
                self.add_error(
                    "first_quarter",
                    f"A deliverable in this plan starts in {span['start']}: the plan must "
                    f"start then or earlier",
                )
            if span["due"] and span["due"] > last:
                self.add_error(
                    "last_quarter",
                    f"A deliverable in this plan is due in {span['due']}: the plan must "
                    f"end then or later",
                )
        return cleaned


class QuarterChoiceForm(GovukFormMixin, forms.Form):
    """Which quarter a page shows (``?quarter=2026-Q2``): the dashboard, the return, the
    return tracker, a return upload. Without ``?quarter=`` (or with one not offered) the
    page shows ``default``."""

    quarter = QuarterChoiceField(label="Quarter")

    def __init__(self, data, *, quarters: list[Quarter], default: Quarter):
        super().__init__(data if data and data.get("quarter") else None)
        self.default = default
        self.fields["quarter"].quarters = quarters
        self.fields["quarter"].initial = default

    @classmethod
    def for_plans(cls, data, plans: list[Plan], default: Quarter, today_quarter: Quarter):
        """The quarters of the force's plans up to the current one, newest first."""
        first = min((p.first_quarter for p in plans), default=default)
        quarters = Quarter.range(min(first, default), max(today_quarter, default))
        return cls(data, quarters=list(reversed(quarters)), default=default)

    @property
    def chosen(self) -> Quarter:
        if self.is_bound and self.is_valid():
            return self.cleaned_data["quarter"]
        return self.default


class FindForceForm(forms.Form):
    """ "Find your force": a plain select that works without JavaScript."""

    force = forms.ModelChoiceField(
        queryset=Force.objects.order_by("name"),
        to_field_name="slug",
        label="Choose a police force",
        empty_label="Choose a force",
        error_messages={
            "required": "Choose a police force from the list",
            "invalid_choice": "Choose a police force from the list",
        },
    )


class ForceContactForm(GovukFormMixin, forms.ModelForm):
    """How the public can ask the force about its plan. A team's details, never a person's:
    the page is public."""

    contact_email = forms.EmailField(
        label="E-mail address",
        required=False,
        max_length=254,
        help_text="A team mailbox, such as race.action@dorset.police.uk, not a person's own.",
        error_messages={"invalid": "Enter an e-mail address like name@force.police.uk"},
    )
    contact_phone = forms.RegexField(
        label="Telephone",
        required=False,
        max_length=40,
        regex=r"^[0-9 +()-]{5,40}$",
        help_text="Optional. 101 is the police non-emergency number; give a direct line only "
        "if the public may use it.",
        error_messages={
            "invalid": "Enter a telephone number using digits, spaces and + ( ) - only",
            "max_length": "The telephone number must be 40 characters or fewer",
        },
    )
    contact_page = forms.URLField(
        label="Contact page",
        required=False,
        max_length=300,
        assume_scheme="https",
        help_text="Optional. A page on the force's website about the plan or how to get in touch.",
        error_messages={"invalid": "Enter a full web address, like https://www.force.police.uk/"},
    )
    version = VersionField()

    class Meta:
        model = Force
        fields = ["contact_email", "contact_phone", "contact_page"]
