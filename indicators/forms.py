"""Forms for loading official figures on the staff pages."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.core.exceptions import ValidationError

from indicators.home_office import TABLES, TableReading, read_table
from indicators.police_uk import Reading, read_files
from plans.models import Force
from prap.forms import GovukFormMixin

ACCEPT = ".csv,.zip,text/csv,application/zip"


class FileInput(forms.FileInput):
    """A file input that takes several files (named so templates see a "file" widget)."""

    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """One or more uploaded files: cleans to a list."""

    widget = FileInput(attrs={"accept": ACCEPT})

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data]
        return [single(data, initial)] if data else single(data, initial)


class StopSearchUploadForm(GovukFormMixin, forms.Form):
    """data.police.uk monthly stop and search files for ``force``, read and checked as they
    are cleaned: ``reading`` holds what they counted."""

    files = MultipleFileField(
        label="Stop and search files",
        help_text=(
            "One or more data.police.uk files as downloaded, named like "
            "2024-05-dorset-stop-and-search.csv, or the .zip of a month's download. Choose "
            "several files at once to load several months."
        ),
        error_messages={
            "required": "Select the stop and search files to upload",
            "empty": "The selected file is empty",
        },
    )

    def __init__(self, *args, force: Force, oversized: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.force = force
        self.oversized = oversized
        self.reading: Reading | None = None
        if oversized:
            self.fields["files"].required = False

    def clean_files(self):
        if self.oversized:
            raise ValidationError(self.oversized)
        files = self.cleaned_data["files"]
        reading = read_files(self.force, [(file.name, file) for file in files])
        if not reading.is_valid:
            raise ValidationError(reading.messages())
        self.reading = reading
        return files


class HomeOfficeTableForm(GovukFormMixin, forms.Form):
    """The Home Office's yearly stop and search table, read and checked as it is cleaned:
    ``reading`` holds what it holds."""

    table = forms.ChoiceField(
        label="Which table",
        choices=[
            ("stop-search", "Stop and searches by year (Home Office)"),
            ("population", "Residents by census (Office for National Statistics)"),
        ],
        initial="stop-search",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose which table it is"},
    )
    file = forms.FileField(
        label="Table",
        help_text=(
            "A CSV file with the columns financial_year, police_force, ethnicity and "
            "total_searches (stop and searches), or census, force_area, ethnicity and "
            "population (residents); one row per year or census, force and group (Asian, "
            "Black, Mixed, Other, White)."
        ),
        widget=forms.FileInput(attrs={"accept": ".csv,text/csv"}),
        error_messages={
            "required": "Select the table to upload",
            "empty": "The selected file is empty",
        },
    )

    def __init__(self, *args, today: dt.date, oversized: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today
        self.oversized = oversized
        self.reading: TableReading | None = None
        if oversized:
            self.fields["file"].required = False

    def clean_file(self):
        if self.oversized:
            raise ValidationError(self.oversized)
        file = self.cleaned_data["file"]
        table = TABLES.get(self.cleaned_data.get("table"))
        if table is None:
            return file  # the table's own error says to choose one
        reading = read_table(file.name, file, today=self.today, table=table)
        if not reading.is_valid:
            raise ValidationError(reading.messages())
        self.reading = reading
        return file
