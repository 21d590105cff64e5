"""A model field holding a :class:`~plans.quarters.Quarter`.

Stored as the quarter's first day in a ``date`` column, so the database filters and sorts by
quarter natively on SQLite and PostgreSQL. Lookups accept ``Quarter`` values:
``Deliverable.objects.filter(due_quarter__lte=Quarter(2024, 2))``.
"""

from __future__ import annotations

import datetime as dt

from django import forms
from django.core.exceptions import ValidationError
from django.db import models

from plans.quarters import Quarter


def to_quarter(value) -> Quarter | None:
    """Coerce a stored or submitted value to a Quarter (None stays None)."""
    if value is None or value == "":
        return None
    if isinstance(value, Quarter):
        return value
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return Quarter.from_first_day(value)
    return Quarter.parse(str(value))


class QuarterFormField(forms.Field):
    """A text input accepting "Q2 2024/25" or "2024-Q2"."""

    widget = forms.TextInput

    def __init__(self, **kwargs):
        for unused in ("max_length", "min_length", "empty_value"):
            kwargs.pop(unused, None)
        kwargs.setdefault("help_text", "For example, Q2 2024/25 (July to September 2024)")
        super().__init__(**kwargs)

    def widget_attrs(self, widget):
        return {**super().widget_attrs(widget), "spellcheck": "false", "maxlength": "20"}

    def prepare_value(self, value):
        quarter = value if isinstance(value, Quarter) else None
        if quarter is None and isinstance(value, dt.date):
            try:
                quarter = Quarter.from_first_day(value)
            except ValueError:
                return value
        return str(quarter) if quarter else value

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, Quarter):
            return value
        try:
            return Quarter.parse(str(value)[:40])
        except ValueError as error:
            raise ValidationError(str(error), code="invalid_quarter") from error


class QuarterField(models.DateField):
    description = "A financial-year quarter, stored as its first day"

    def from_db_value(self, value, expression, connection):
        return to_quarter(value)

    def to_python(self, value):
        try:
            return to_quarter(value)
        except ValueError as error:
            raise ValidationError(str(error), code="invalid_quarter") from error

    def get_prep_value(self, value):
        quarter = self.to_python(value)
        return quarter.first_day if quarter else None

    def value_to_string(self, obj) -> str:
        quarter = self.value_from_object(obj)
        return quarter.compact if quarter else ""

    def pre_save(self, model_instance, add):
        return getattr(model_instance, self.attname)

    def formfield(self, **kwargs):
        kwargs.setdefault("form_class", QuarterFormField)
        return models.Field.formfield(self, **kwargs)
