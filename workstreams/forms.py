from django import forms
from django.core.validators import URLValidator

from plans.models import Force
from prap.forms import GovukFormMixin
from workstreams.models import NationalAction, PracticeExample, Workstream


def _too_long(label: str) -> dict[str, str]:
    return {"max_length": f"{label} must be %(limit_value)d characters or fewer"}


class NationalActionForm(GovukFormMixin, forms.ModelForm):
    code = forms.CharField(
        label="Code",
        max_length=10,
        help_text="Letter of the workstream and a number, such as P2.",
        error_messages={"required": "Enter the code", **_too_long("The code")},
    )
    workstream = forms.ModelChoiceField(
        queryset=Workstream.objects.all(),
        empty_label=None,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the workstream"},
    )
    title = forms.CharField(
        label="Title",
        max_length=200,
        error_messages={"required": "Enter the title", **_too_long("The title")},
    )
    description = forms.CharField(
        label="Description", required=False, widget=forms.Textarea(attrs={"rows": 5})
    )

    class Meta:
        model = NationalAction
        fields = ["code", "workstream", "title", "description"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].widget.attrs["class"] = "govuk-input--width-5"

    def clean_code(self) -> str:
        code = self.cleaned_data["code"].strip().upper()
        taken = NationalAction.objects.filter(code__iexact=code).exclude(pk=self.instance.pk)
        if taken.exists():
            raise forms.ValidationError(f"There is already a national action {code}")
        return code


class PracticeExampleForm(GovukFormMixin, forms.ModelForm):
    force = forms.ModelChoiceField(
        queryset=Force.objects.order_by("name"),
        label="Force",
        empty_label="Choose a force",
        error_messages={"required": "Choose the force"},
    )
    workstream = forms.ModelChoiceField(
        queryset=Workstream.objects.all(),
        empty_label=None,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the workstream"},
    )
    title = forms.CharField(
        label="Title",
        max_length=200,
        error_messages={"required": "Enter the title", **_too_long("The title")},
    )
    summary = forms.CharField(
        label="Summary",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": "Enter a summary", **_too_long("The summary")},
    )
    link = forms.CharField(
        label="Link (optional)",
        required=False,
        max_length=500,
        help_text="A web page about it, starting with https://",
        validators=[URLValidator(schemes=["http", "https"])],
        error_messages={
            "invalid": "Enter a full web address starting with http:// or https://",
            **_too_long("The link"),
        },
    )

    class Meta:
        model = PracticeExample
        fields = ["force", "workstream", "title", "summary", "link"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["link"].widget.attrs["spellcheck"] = "false"
