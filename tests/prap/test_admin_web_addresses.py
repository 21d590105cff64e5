"""Every web address edited in the admin (a force's website, a panel's, a practice
example's link...) typed without a scheme is taken as https, not http."""

import pytest
from django.contrib import admin
from django.db import models
from django.test import RequestFactory

ADMINS_WITH_ADDRESSES = [
    model_admin
    for model, model_admin in admin.site._registry.items()
    if any(isinstance(field, models.URLField) for field in model._meta.get_fields())
]


def test_the_admins_with_web_addresses_are_found():
    names = {type(model_admin).__name__ for model_admin in ADMINS_WITH_ADDRESSES}
    assert {"ForceAdmin", "PanelAdmin", "PracticeExampleAdmin"} <= names


@pytest.mark.parametrize(
    "model_admin", ADMINS_WITH_ADDRESSES, ids=lambda model_admin: type(model_admin).__name__
)
def test_an_address_without_its_scheme_is_taken_as_https(model_admin, sam):
    request = RequestFactory().get("/admin/")
    request.user = sam
    form = model_admin.get_form(request)
    model_fields = {field.name: field for field in model_admin.model._meta.get_fields()}
    # A form field that is not a model's (one the admin's form adds) has no model field.
    address_fields = [
        name for name in form.base_fields if isinstance(model_fields.get(name), models.URLField)
    ]
    assert address_fields
    for name in address_fields:
        assert form.base_fields[name].clean("www.example.org") == "https://www.example.org"
