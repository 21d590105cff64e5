"""GOV.UK Frontend presentation for Django forms, shared by every app's forms.

``GovukFormMixin`` gives each widget its GOV.UK class (and the error variant when the field
has errors) and collects the errors for the error summary at the top of the page, each with
the id of the element it links to. Templates render fields with
``{% include "includes/_field.html" with field=form.title %}``.
"""

from __future__ import annotations

from dataclasses import dataclass

from django import forms
from django.forms.boundfield import BoundField
from django.forms.widgets import Input

_WIDGET_CLASSES: dict[type[forms.Widget], str] = {
    forms.FileInput: "govuk-file-upload",
    forms.Textarea: "govuk-textarea",
    forms.Select: "govuk-select",
    forms.CheckboxInput: "govuk-checkboxes__input",
    Input: "govuk-input",
}


# Widgets with an error variant of their class (GOV.UK marks file uploads, checkboxes and
# radios by their form group only).
_ERROR_VARIANTS = {"govuk-textarea", "govuk-select", "govuk-input"}


def _widget_class(widget: forms.Widget) -> str | None:
    # CheckboxSelectMultiple is a subclass of RadioSelect: test it first.
    if isinstance(widget, forms.CheckboxSelectMultiple):
        return "govuk-checkboxes__input"
    if isinstance(widget, forms.RadioSelect):
        return "govuk-radios__input"
    if isinstance(widget, forms.HiddenInput):
        return None
    for widget_type, css_class in _WIDGET_CLASSES.items():
        if isinstance(widget, widget_type):
            return css_class
    return None


class GovukBoundField(BoundField):
    def build_widget_attrs(self, attrs, widget=None):
        attrs = super().build_widget_attrs(attrs, widget)
        widget = widget or self.field.widget
        css_class = _widget_class(widget)
        if css_class:
            # These attrs replace the widget's own, so keep its classes (widths) too.
            classes = [css_class, widget.attrs.get("class", ""), attrs.get("class", "")]
            if self.errors and css_class in _ERROR_VARIANTS:
                classes.append(f"{css_class}--error")
            attrs["class"] = " ".join(c for c in classes if c)
        return attrs

    @property
    def anchor(self) -> str:
        """The id the error summary links to: the field, or the first of its options."""
        if self.field.widget.use_fieldset:
            return f"{self.auto_id}_0"
        return self.auto_id


@dataclass(frozen=True)
class ErrorLink:
    anchor: str
    message: str


class GovukFormMixin:
    bound_field_class = GovukBoundField
    # GOV.UK pattern: the server validates and explains; no browser pop-ups.
    use_required_attribute = False
    #: Prefixed to each message in the error summary (e.g. the deliverable's title).
    error_context: str = ""

    def error_links(self) -> list[ErrorLink]:
        """Every error on the form, in field order, with the id it links to."""
        links = []
        first_field = next((bf for bf in self.visible_fields()), None)  # type: ignore[attr-defined]
        prefix = f"{self.error_context}: " if self.error_context else ""
        for message in self.non_field_errors():  # type: ignore[attr-defined]
            anchor = first_field.anchor if first_field is not None else ""
            links.append(ErrorLink(anchor, prefix + message))
        for bound in self.hidden_fields():  # type: ignore[attr-defined]
            anchor = first_field.anchor if first_field is not None else ""
            links.extend(ErrorLink(anchor, prefix + message) for message in bound.errors)
        for bound in self.visible_fields():  # type: ignore[attr-defined]
            links.extend(ErrorLink(bound.anchor, prefix + message) for message in bound.errors)
        return links


def error_links(*forms_: GovukFormMixin | None) -> list[ErrorLink]:
    """The error summary's entries for several forms on one page."""
    return [link for form in forms_ if form is not None for link in form.error_links()]


class VersionField(forms.IntegerField):
    """The hidden version number a form was opened at (optimistic concurrency)."""

    widget = forms.HiddenInput

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", 0)
        kwargs.setdefault(
            "error_messages",
            {"required": "This page is out of date: reload it and make your change again."},
        )
        super().__init__(**kwargs)


class VersionOnlyForm(GovukFormMixin, forms.Form):
    """A button that changes state (publish, unpublish, reinstate): only the version."""

    version = VersionField()
