"""Quarters in models and forms.

:class:`QuarterField` holds a :class:`~plans.quarters.Quarter`, stored as the quarter's first
day in a ``date`` column, so the database filters and sorts by quarter natively on SQLite and
PostgreSQL. Lookups accept ``Quarter`` values:
``Deliverable.objects.filter(due_quarter__lte=Quarter(2024, 2))``.

:class:`QuarterChoiceField` is the one way a person picks a quarter on a web page: a select
among the quarters that make sense there (a plan's quarters, the recent quarters), labelled
"Q2 2025/26 (Jul-Sep 2025)", with the compact form ("2025-Q2") as each option's value.
Spreadsheets keep typed quarters (:class:`QuarterFormField` reads those forms of text).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from functools import lru_cache

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
        return _quarter_starting(value)
    return Quarter.parse(str(value))


@lru_cache(maxsize=1024)
def _quarter_starting(day: dt.date) -> Quarter:
    """The quarter starting on ``day``, kept: a page reads the same few quarters thousands of
    times (five per deliverable on a roadmap), and a Quarter never changes."""
    return Quarter.from_first_day(day)


class QuarterFormField(forms.Field):
    """A text input accepting "Q2 2024/25" or "2024-Q2" (typed quarters; pages offer a
    :class:`QuarterChoiceField` instead)."""

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


def quarter_label(quarter: Quarter) -> str:
    """ "Q2 2025/26 (Jul-Sep 2025)": how a quarter is offered in a list."""
    return f"{quarter} ({quarter.months_label})"


class QuarterChoiceField(forms.ChoiceField):
    """A select among ``quarters``; cleans to a :class:`Quarter`.

    Anything else submitted (another quarter, text that is no quarter) is refused with the
    ``invalid_choice`` message, which may use ``%(value)s``.
    """

    default_error_messages = {
        "invalid_choice": "Choose a quarter from the list: %(value)s is not one of them",
    }

    def __init__(self, *, quarters: Iterable[Quarter] = (), **kwargs):
        for unused in ("max_length", "min_length", "empty_value"):
            kwargs.pop(unused, None)
        super().__init__(**kwargs)
        self.quarters = list(quarters)

    @property
    def quarters(self) -> list[Quarter]:
        return self._quarters

    @quarters.setter
    def quarters(self, quarters: Iterable[Quarter]) -> None:
        self._quarters = list(quarters)
        self.choices = [(quarter.compact, quarter_label(quarter)) for quarter in self._quarters]

    def __deepcopy__(self, memo):
        result = super().__deepcopy__(memo)
        result._quarters = list(self._quarters)
        return result

    def prepare_value(self, value):
        try:
            quarter = to_quarter(value)
        except ValueError:
            return value
        return quarter.compact if quarter else value

    def to_python(self, value) -> Quarter | None:
        if value in self.empty_values:
            return None
        try:
            return to_quarter(value if isinstance(value, Quarter) else str(value)[:40])
        except ValueError as error:
            raise self._not_offered(value) from error

    def validate(self, value) -> None:
        forms.Field.validate(self, value)
        if value is not None and value not in self._quarters:
            raise self._not_offered(value)

    def _not_offered(self, value) -> ValidationError:
        shown = str(value)[:40]
        return ValidationError(
            self.error_messages["invalid_choice"], code="invalid_choice", params={"value": shown}
        )


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
