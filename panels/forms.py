"""The panel's form for a view and the force's form for its reply. The rules are the
models' (``rule_errors``); these forms word them for the page and take nothing from the
request that the view sets (the panel, the force, the quarter, the deliverable)."""

from __future__ import annotations

from django import forms

from panels.models import PanelView, Verdict
from prap.forms import GovukFormMixin, VersionField


def too_long(label: str) -> str:
    return f"{label} must be %(limit_value)d characters or fewer (it has %(show_value)d)"


class PanelViewForm(GovukFormMixin, forms.ModelForm):
    verdict = forms.ChoiceField(
        label="The panel's verdict",
        choices=Verdict.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose the panel's verdict",
            "invalid_choice": "Choose the panel's verdict",
        },
    )
    reasons = forms.CharField(
        label="The panel's reasons",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="Required for “Some concerns” and “Disagree”. The public reads this.",
        error_messages={"max_length": too_long("The reasons")},
    )
    evidence = forms.CharField(
        label="Evidence links (optional)",
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="One web address per line, starting with http:// or https://, at most 20.",
        error_messages={"max_length": too_long("The evidence links")},
    )
    version = VersionField()

    class Meta:
        model = PanelView
        fields = ["verdict", "reasons", "evidence"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["version"].initial = self.instance.version if self.instance.pk else 0

    def _post_clean(self):
        super()._post_clean()
        for name, messages in self.instance.rule_errors().items():
            target = name if name in self.fields else None
            for message in messages:
                if target is None or message not in self.errors.get(target, []):
                    self.add_error(target, message)

    def validate_unique(self):  # the view sets panel, force, quarter and deliverable
        return


class PanelReplyForm(GovukFormMixin, forms.Form):
    text = forms.CharField(
        label="The force's reply",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="Published beneath the panel's view straight away. The force replies once.",
        error_messages={
            "required": "Write the force's reply",
            "max_length": too_long("The reply"),
        },
    )
