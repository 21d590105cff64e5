from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.html import format_html
from django.utils.text import capfirst

from actions.models import (
    CommitmentChange,
    Deliverable,
    Milestone,
    QuarterlyUpdate,
    Status,
    clean_evidence_links,
    narrative_problem,
    quarter_outside_plan,
)
from actions.replanning import Commitment
from actions.spreadsheets.files import MAX_BYTES, Problem, SpreadsheetError, SpreadsheetFile
from actions.spreadsheets.uploads import UploadedFile
from plans.fields import QuarterChoiceField
from plans.quarters import Quarter
from prap.forms import GovukFormMixin, VersionField
from workstreams.models import NationalAction, Workstream


def too_long(label: str) -> str:
    return f"{label} must be %(limit_value)d characters or fewer (it has %(show_value)d)"


def text_field(
    label: str, max_length: int, error_messages: dict | None = None, **kwargs
) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=max_length,
        error_messages={"max_length": too_long(label), **(error_messages or {})},
        **kwargs,
    )


class QuarterlyUpdateForm(GovukFormMixin, forms.ModelForm):
    """One deliverable's update for one quarter.

    Drafts may be incomplete; an update that is published (or being published) must also
    say what was done when its status is At risk, Off track or Complete.
    """

    status = forms.ChoiceField(
        label="Status",
        choices=Status.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose a status", "invalid_choice": "Choose a status"},
    )
    done = text_field(
        "What was done",
        5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Required for At risk, Off track and Complete.",
    )
    next = text_field(
        "What is next", 5000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    evidence = forms.CharField(
        label="Evidence links",
        required=False,
        max_length=4000,
        error_messages={"max_length": too_long("Evidence links")},
        widget=forms.Textarea(attrs={"rows": 2, "spellcheck": "false"}),
        help_text="Web addresses starting with https://, one per line.",
    )
    version = VersionField()

    class Meta:
        model = QuarterlyUpdate
        fields = ["status", "done", "next", "evidence"]

    def __init__(self, *args, publishing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.publishing = publishing
        self.fields["version"].initial = self.instance.version if self.instance.pk else 0

    @property
    def strict(self) -> bool:
        """Validate as a published update: it is published, or about to be."""
        return self.publishing or self.instance.is_published

    def clean_evidence(self) -> str:
        return clean_evidence_links(self.cleaned_data["evidence"])

    def clean(self):
        cleaned = super().clean()
        status = cleaned.get("status")
        if self.strict and status and "done" in cleaned:
            message = narrative_problem(status, cleaned["done"])
            if message:
                self.add_error("done", message)
        return cleaned


class ReturnEntryForm(QuarterlyUpdateForm):
    """A row of the quarterly return: an update plus "publish this one"."""

    publish = forms.BooleanField(label="Publish this update", required=False)

    def __init__(self, *args, publish_requested: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.publish_requested = publish_requested
        title = str(self.instance.deliverable)
        self.error_context = title
        # Forty "Status" fields on one page: each label names its deliverable for screen
        # readers (visually, the deliverable's heading is right above).
        for bound in self.fields.values():
            if bound.label and not bound.widget.is_hidden:
                bound.label = format_html(
                    '{}<span class="govuk-visually-hidden">: {}</span>', bound.label, title
                )

    @property
    def strict(self) -> bool:
        return self.instance.is_published or (self.publish_requested and self._publish_ticked())

    @property
    def will_publish(self) -> bool:
        return self.publish_requested and self._publish_ticked()

    def _publish_ticked(self) -> bool:
        field = self["publish"]
        return bool(field.field.to_python(field.data))


def offer_plan_quarters(field: QuarterChoiceField, plan, current: Quarter | None) -> None:
    """Offer the quarters of ``plan`` in ``field``, refusing any other with a message that
    names the plan's period. A saved quarter outside the plan is offered too, so the form
    shows it as it is instead of quietly replacing it (a deliverable's ``clean`` then asks for
    one within the plan)."""
    quarters = plan.quarters
    if current is not None and current not in quarters:
        quarters = sorted({*quarters, current})
    field.quarters = quarters
    field.error_messages["invalid_choice"] = (
        f"{capfirst(field.label)} must be within the plan's period, {plan.period_label}"
    )


class NationalActionChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: NationalAction) -> str:
        return f"{obj.code}: {obj.title}"


class DeliverableForm(GovukFormMixin, forms.ModelForm):
    workstream = forms.ModelChoiceField(
        queryset=Workstream.objects.all(),
        empty_label=None,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the workstream"},
    )
    reference = text_field(
        "Reference (optional)",
        30,
        required=False,
        help_text="A code your force uses for it, such as R-04. Unique within the plan.",
    )
    title = text_field(
        "Title",
        150,
        help_text='Short, as on a roadmap: "Reform use of stop and search".',
        error_messages={"required": "Enter a title"},
    )
    description = text_field(
        "What we will do",
        5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text='Start with "We will".',
    )
    lead = text_field(
        "Accountable lead",
        150,
        required=False,
        help_text='A role, not a name: "Head of Learning and Development".',
    )
    start_quarter = QuarterChoiceField(
        label="Start quarter", error_messages={"required": "Choose the start quarter"}
    )
    due_quarter = QuarterChoiceField(
        label="Due quarter", error_messages={"required": "Choose the due quarter"}
    )
    national_actions = NationalActionChoiceField(
        queryset=NationalAction.objects.select_related("workstream"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="National actions it serves",
        help_text="Only actions under the deliverable's workstream.",
    )
    replanning_reason = text_field(
        "Reason for the change",
        2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="This deliverable is public. Its original commitment stays on its public "
        "page with every change, dated. Say why when the due quarter moves later or the title "
        'or "We will" text changes (more than spelling, punctuation or spacing): the public '
        "reads it.",
    )
    version = VersionField()

    class Meta:
        model = Deliverable
        fields = [
            "workstream",
            "reference",
            "title",
            "description",
            "lead",
            "start_quarter",
            "due_quarter",
            "national_actions",
        ]

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.plan = plan
        self.fields["version"].initial = self.instance.version if self.instance.pk else 0
        for name in ("start_quarter", "due_quarter"):
            offer_plan_quarters(self.fields[name], plan, getattr(self.instance, name))
        self.fields["reference"].widget.attrs["class"] = "govuk-input--width-10"
        # The commitment as saved, before this form changes it (None for a new deliverable).
        self.saved_commitment = self.instance.commitment if self.instance.pk else None
        if self.instance.pk is None or not self.instance.is_committed:
            del self.fields["replanning_reason"]  # a draft changes freely

    def national_action_groups(self):
        """The national-action checkboxes grouped under their workstream's name."""
        groups: dict[str, list] = {}
        for choice in self["national_actions"]:
            action = choice.data["value"].instance
            groups.setdefault(action.workstream.name, []).append(choice)
        return list(groups.items())

    def clean_reference(self) -> str:
        reference = self.cleaned_data["reference"].strip()
        if reference:
            taken = Deliverable.objects.filter(plan=self.plan, reference__iexact=reference)
            if self.instance.pk:
                taken = taken.exclude(pk=self.instance.pk)
            if taken.exists():
                raise ValidationError(f"Another deliverable in this plan is {reference}")
        return reference

    def clean(self):
        cleaned = super().clean()
        quarters = Deliverable(
            plan=self.plan,
            start_quarter=cleaned.get("start_quarter"),
            due_quarter=cleaned.get("due_quarter"),
        )
        for name, messages in quarters.quarter_errors().items():
            for message in messages:
                self.add_error(name, message)
        workstream = cleaned.get("workstream")
        actions = cleaned.get("national_actions") or []
        strays = [a.code for a in actions if workstream and a.workstream_id != workstream.pk]
        if strays:
            verb = "belongs" if len(strays) == 1 else "belong"
            self.add_error(
                "national_actions",
                f"Choose national actions under {workstream.name} only: "
                f"{', '.join(strays)} {verb} to another workstream",
            )
        after = [cleaned.get(name) for name in ("start_quarter", "due_quarter", "title")]
        if "replanning_reason" in self.fields and all(after):
            problem = self.instance.replanning_problem(
                Commitment(*after, cleaned.get("description", "")),
                cleaned.get("replanning_reason", ""),
            )
            if problem:
                self.add_error("replanning_reason", problem)
        return cleaned

    def record_replanning(self, by, now) -> list[CommitmentChange]:
        """The saved deliverable's change entries (``Deliverable.record_replanning``), to
        save with it."""
        reason = self.cleaned_data.get("replanning_reason", "")
        return self.instance.record_replanning(self.saved_commitment, by, now, reason)


class WithdrawForm(GovukFormMixin, forms.Form):
    reason = text_field(
        "Why is it being withdrawn?",
        2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="The public sees this reason beside the deliverable.",
        error_messages={"required": "Say why the deliverable is being withdrawn"},
    )
    version = VersionField()


class MilestoneForm(GovukFormMixin, forms.ModelForm):
    """A milestone of ``instance.deliverable``, due in one of its plan's quarters."""

    title = text_field("Milestone", 200, error_messages={"required": "Enter the milestone"})
    due_quarter = QuarterChoiceField(
        label="Due quarter", error_messages={"required": "Choose the quarter it is due"}
    )
    version = VersionField()

    class Meta:
        model = Milestone
        fields = ["title", "due_quarter"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["version"].initial = self.instance.version if self.instance.pk else 0
        offer_plan_quarters(
            self.fields["due_quarter"], self.instance.deliverable.plan, self.instance.due_quarter
        )

    def clean_due_quarter(self) -> Quarter:
        due = self.cleaned_data["due_quarter"]
        message = quarter_outside_plan(self.instance.deliverable.plan, "Due quarter", due)
        if message:
            raise ValidationError(message)
        return due


class MilestoneDoneForm(GovukFormMixin, forms.Form):
    done = forms.BooleanField(required=False)
    version = VersionField()


# Spreadsheet uploads ---------------------------------------------------------------------------

SPREADSHEET_ACCEPT = ",".join(
    [
        ".xlsx",
        ".csv",
        "text/csv",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ]
)


class SpreadsheetField(forms.FileField):
    """An uploaded .csv or .xlsx file, read and checked: cleans to an ``UploadedFile``."""

    widget = forms.FileInput(attrs={"accept": SPREADSHEET_ACCEPT})

    def __init__(self, *, missing: str, **kwargs):
        kwargs.setdefault(
            "error_messages",
            {
                "required": missing,
                "invalid": "The selected file could not be read: choose it and upload it again",
                "empty": "The selected file is empty",
                "missing": missing,
            },
        )
        super().__init__(**kwargs)


class SpreadsheetUploadForm(GovukFormMixin, forms.Form):
    """Upload form whose files are read as spreadsheets as they are cleaned.

    ``oversized`` names the fields whose file the upload handler skipped for being over the
    size limit (``actions.spreadsheets.uploads.oversized_uploads``); ``spreadsheets`` holds
    each field's file as read.
    """

    def __init__(self, *args, oversized: dict[str, str] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.oversized = oversized or {}
        self.spreadsheets: dict[str, SpreadsheetFile] = {}
        for name in self.oversized:
            if name in self.fields:
                self.fields[name].required = False

    def _read(self, name: str) -> UploadedFile | None:
        if name in self.oversized:
            limit = MAX_BYTES // 1024 // 1024
            raise ValidationError(
                f'"{self.oversized[name]}" is larger than {limit} MB, the largest file '
                "accepted. Split it into smaller files."
            )
        upload = self.cleaned_data.get(name)
        if not upload:
            return None
        try:
            spreadsheet = SpreadsheetFile.from_upload(upload)
        except SpreadsheetError as error:
            raise ValidationError(str(error)) from error
        upload.seek(0)
        self.spreadsheets[name] = spreadsheet
        return UploadedFile(spreadsheet.name, upload.read())

    def add_file_problems(self, problems: list[Problem], sheets: dict[str, str]) -> None:
        """Report problems with a file as a whole (missing headings, no such sheet) on the
        field of the file they concern; ``sheets`` maps a sheet title to its field."""
        first = next(iter(self.fields))
        for problem in problems:
            self.add_error(sheets.get(problem.sheet) or first, str(problem))

    @property
    def files_uploaded(self) -> list[UploadedFile]:
        return [
            self.cleaned_data[name]
            for name in self.fields
            if isinstance(self.cleaned_data.get(name), UploadedFile)
        ]


class PlanUploadForm(SpreadsheetUploadForm):
    plan_file = SpreadsheetField(
        label="Plan file",
        help_text="The Excel workbook (.xlsx, with its Plan and Milestones sheets) or the "
        "plan's CSV file (.csv), at most 5 MB.",
        missing="Select the plan file to upload",
    )
    milestones_file = SpreadsheetField(
        label="Milestones file (optional)",
        required=False,
        help_text="Only with a CSV plan file: the milestones CSV file. Leave it out to import "
        "the deliverables only.",
        missing="Select the milestones file to upload",
    )

    def clean_plan_file(self):
        return self._read("plan_file")

    def clean_milestones_file(self):
        return self._read("milestones_file")


class ReturnUploadForm(SpreadsheetUploadForm):
    quarter = QuarterChoiceField(
        label="Quarter",
        help_text="The quarter this return reports on. Every row's Quarter cell must match it.",
        error_messages={
            "required": "Choose the quarter of the return",
            "invalid_choice": "Choose a quarter from the list",
        },
    )
    return_file = SpreadsheetField(
        label="Return file",
        help_text="The return as an Excel workbook (.xlsx) or a CSV file (.csv), at most 5 MB.",
        missing="Select the return file to upload",
    )

    def __init__(self, *args, quarters: list[Quarter], default: Quarter, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["quarter"].quarters = quarters
        self.fields["quarter"].initial = default

    def clean_return_file(self):
        return self._read("return_file")

    @property
    def chosen_quarter(self) -> Quarter:
        return self.cleaned_data["quarter"]


class ConfirmImportForm(GovukFormMixin, forms.Form):
    """The preview's confirmation: the fingerprints of what the person saw, and for a
    return, whether to publish."""

    fingerprint = forms.CharField(
        widget=forms.HiddenInput,
        max_length=64,
        error_messages={
            "required": "This page was out of date: check the preview and confirm again"
        },
    )
    publish_fingerprint = forms.CharField(widget=forms.HiddenInput, max_length=64, required=False)
    publish = forms.BooleanField(
        label="Publish these updates now",
        required=False,
        help_text="Unticked, the updates are saved as drafts that only staff can see, to publish "
        "later from the return page. Ticked, every update in the file is published when you "
        "confirm, drafts saved earlier included.",
    )

    def __init__(self, *args, publishable: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not publishable:
            del self.fields["publish"]
            del self.fields["publish_fingerprint"]

    @property
    def publishing(self) -> bool:
        return bool(self.cleaned_data.get("publish"))

    @property
    def expected_fingerprint(self) -> str:
        name = "publish_fingerprint" if self.publishing else "fingerprint"
        return self.cleaned_data.get(name, "")
