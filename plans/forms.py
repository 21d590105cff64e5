from django import forms

from plans.models import Force


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
