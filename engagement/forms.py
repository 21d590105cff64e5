"""The forms of the engagement log. The rules themselves are the models' (``rule_errors``):
these forms word them for the page and set nothing that comes from the request."""

from __future__ import annotations

from django import forms
from django.db.models import Q

from actions.forms import SpreadsheetField, SpreadsheetUploadForm
from actions.models import Deliverable
from engagement.models import NO_PERSONAL_DATA, Activity, Attendance, EngagementAction, Kind, Theme
from plans.fields import QuarterChoiceField
from plans.quarters import Quarter
from prap.forms import GovukFormMixin, VersionField

DATE_FORMATS = ["%d/%m/%Y", "%d %m %Y", "%Y-%m-%d", "%d-%m-%Y", "%d %B %Y", "%d %b %Y"]


def too_long(label: str) -> str:
    return f"{label} must be %(limit_value)d characters or fewer (it has %(show_value)d)"


class _RuleErrorsMixin:
    """Adds the model's own ``rule_errors`` to the form, field by field."""

    def _post_clean(self):
        super()._post_clean()
        for name, messages in self.instance.rule_errors().items():
            target = name if name in self.fields else None
            for message in messages:
                if target is None or message not in self.errors.get(target, []):
                    self.add_error(target, message)

    def validate_unique(self):  # model constraints are checked by rule_errors
        return


class ActivityForm(_RuleErrorsMixin, GovukFormMixin, forms.ModelForm):
    title = forms.CharField(
        label="Name of the activity",
        max_length=150,
        help_text='The public reads it: "Youth panel on stop and search"',
        error_messages={
            "required": "Enter the name of the activity",
            "max_length": too_long("The name"),
        },
    )
    held_on = forms.DateField(
        label="Date",
        input_formats=DATE_FORMATS,
        help_text="For example, 14/6/2025. For a survey, the day it closed.",
        error_messages={
            "required": "Enter the date of the activity",
            "invalid": "Enter the date as day/month/year, for example 14/6/2025",
        },
        widget=forms.DateInput(format="%d/%m/%Y", attrs={"class": "govuk-input--width-10"}),
    )
    kind = forms.ChoiceField(
        label="Kind of activity",
        choices=Kind.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose the kind of activity",
            "invalid_choice": "Choose the kind of activity",
        },
    )
    attendance_basis = forms.ChoiceField(
        label="The number is",
        choices=Attendance.choices,
        widget=forms.RadioSelect,
        initial=Attendance.COUNT,
        error_messages={"required": "Say whether the number is a count or an estimate"},
    )
    themes = forms.MultipleChoiceField(
        label="Themes raised",
        choices=Theme.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Choose every theme people raised.",
        error_messages={"invalid_choice": "Choose themes from the list (%(value)s is not one)"},
    )
    heard = forms.CharField(
        label="What we heard",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="A summary the public will read. " + NO_PERSONAL_DATA,
        error_messages={"required": "Say what you heard", "max_length": too_long("What we heard")},
    )
    version = VersionField()

    class Meta:
        model = Activity
        fields = [
            "title",
            "held_on",
            "kind",
            "place",
            "partners",
            "partner_contacts",
            "attendance",
            "attendance_basis",
            "attendance_black",
            "themes",
            "other_themes",
            "heard",
        ]
        widgets = {
            "partners": forms.Textarea(attrs={"rows": 3}),
            "partner_contacts": forms.Textarea(attrs={"rows": 2}),
            "attendance": forms.NumberInput(
                attrs={"class": "govuk-input--width-5", "inputmode": "numeric"}
            ),
            "attendance_black": forms.NumberInput(
                attrs={"class": "govuk-input--width-5", "inputmode": "numeric"}
            ),
        }
        error_messages = {
            "place": {"max_length": too_long("Place or area")},
            "partners": {"max_length": too_long("Partner organisations")},
            "partner_contacts": {"max_length": too_long("How to reach the partners")},
            "other_themes": {"max_length": too_long("Other themes")},
            "attendance": {
                "invalid": "Enter the number of people who took part as a whole number, like 25",
                "min_value": "The number of people who took part cannot be negative",
            },
            "attendance_black": {
                "invalid": "Enter the number from Black communities as a whole number, like 8",
                "min_value": "The number from Black communities cannot be negative",
            },
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["version"].initial = self.instance.version if self.instance.pk else 0


class EngagementActionForm(_RuleErrorsMixin, GovukFormMixin, forms.ModelForm):
    description = forms.CharField(
        label="What we will do",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="The public reads it. " + NO_PERSONAL_DATA,
        error_messages={
            "required": "Say what the force will do",
            "max_length": too_long("What we will do"),
        },
    )
    deliverable = forms.ModelChoiceField(
        label="Deliverable of the plan",
        queryset=Deliverable.objects.none(),
        required=False,
        empty_label="None: no action",
        help_text="The deliverable this action is part of. Leave empty only for no action.",
        error_messages={
            "invalid_choice": "Choose a deliverable of your force's plan from the list"
        },
    )
    due_quarter = QuarterChoiceField(label="Due quarter", required=False)
    done_on = forms.DateField(
        label="Done on",
        required=False,
        input_formats=DATE_FORMATS,
        help_text="For example, 14/6/2025. Leave blank until it is done.",
        error_messages={"invalid": "Enter the date as day/month/year, for example 14/6/2025"},
        widget=forms.DateInput(format="%d/%m/%Y", attrs={"class": "govuk-input--width-10"}),
    )
    version = VersionField()

    class Meta:
        model = EngagementAction
        fields = [
            "theme",
            "description",
            "deliverable",
            "no_action_reason",
            "due_quarter",
            "outcome",
            "done_on",
        ]
        widgets = {
            "no_action_reason": forms.Textarea(attrs={"rows": 2}),
            "outcome": forms.Textarea(attrs={"rows": 3}),
        }
        error_messages = {
            "no_action_reason": {"max_length": too_long("No action, because")},
            "outcome": {"max_length": too_long("What we did")},
        }

    def __init__(self, *args, force, today, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["version"].initial = self.instance.version if self.instance.pk else 0
        # Active deliverables, and the one already chosen even if it was withdrawn since.
        chosen = Q(pk=self.instance.deliverable_id) if self.instance.deliverable_id else Q()
        self.fields["deliverable"].queryset = (
            Deliverable.objects.for_force(force)
            .filter(Q(withdrawn_at__isnull=True) | chosen)
            .select_related("plan")
            .order_by("plan__first_quarter", "title")
        )
        self.fields["deliverable"].label_from_instance = lambda d: f"{d.title} ({d.plan.title})"
        this_quarter = Quarter.containing(today)
        quarters = Quarter.range(this_quarter - 4, this_quarter + 8)
        current = self.instance.due_quarter
        if current is not None and current not in quarters:
            quarters = sorted([*quarters, current])
        self.fields["due_quarter"].quarters = quarters
        self.fields["due_quarter"].choices = [
            ("", "Choose a quarter"),
            *self.fields["due_quarter"].choices,
        ]
        self.fields["theme"].choices = [("", "None in particular"), *Theme.choices]


class DashboardFilterForm(GovukFormMixin, forms.Form):
    """The engagement dashboard's filters (all optional)."""

    first = QuarterChoiceField(label="From", required=False)
    last = QuarterChoiceField(label="To", required=False)
    kind = forms.ChoiceField(label="Kind of activity", required=False)
    theme = forms.ChoiceField(label="Theme raised", required=False)
    drafts = forms.ChoiceField(
        label="Activities",
        required=False,
        choices=[("", "Published and drafts"), ("no", "Published only")],
    )

    def __init__(self, *args, quarters: list[Quarter], **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("first", "last"):
            self.fields[name].quarters = quarters
            self.fields[name].choices = [("", "Any quarter"), *self.fields[name].choices]
        self.fields["kind"].choices = [("", "Every kind"), *Kind.choices]
        self.fields["theme"].choices = [("", "Every theme"), *Theme.choices]

    def clean(self):
        cleaned = super().clean()
        first, last = cleaned.get("first"), cleaned.get("last")
        if first and last and last < first:
            self.add_error("last", f"The last quarter must be {first} or later")
        return cleaned

    def filter(self, activities):
        """``activities`` narrowed by the valid filters."""
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        activities = activities.held_between(data.get("first"), data.get("last"))
        if data.get("kind"):
            activities = activities.filter(kind=data["kind"])
        if data.get("drafts") == "no":
            activities = activities.published()
        if data.get("theme"):
            # Themes are a JSON list; "contains" differs by database, so match here.
            theme = data["theme"]
            ids = [pk for pk, themes in activities.values_list("pk", "themes") if theme in themes]
            activities = activities.filter(pk__in=ids)
        return activities


class EngagementUploadForm(SpreadsheetUploadForm):
    log_file = SpreadsheetField(
        label="Engagement log file",
        help_text="The engagement log as an Excel workbook (.xlsx) with its Activities and "
        "Actions sheets, at most 5 MB.",
        missing="Select the engagement log file to upload",
    )

    def clean_log_file(self):
        return self._read("log_file")
