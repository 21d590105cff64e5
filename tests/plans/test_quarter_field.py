import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from actions.models import Deliverable
from plans.fields import QuarterChoiceField, QuarterField, QuarterFormField
from plans.quarters import Quarter
from tests.factories import DeliverableFactory

pytestmark = pytest.mark.django_db


def test_quarters_round_trip_through_the_database_and_filter_in_sql():
    early = DeliverableFactory(start_quarter=Quarter(2024, 1), due_quarter=Quarter(2024, 4))
    late = DeliverableFactory(start_quarter=Quarter(2025, 1), due_quarter=Quarter(2025, 2))
    early.refresh_from_db()
    assert early.due_quarter == Quarter(2024, 4)
    assert list(Deliverable.objects.filter(due_quarter__lte=Quarter(2024, 4))) == [early]
    assert list(Deliverable.objects.filter(start_quarter="2025-Q1")) == [late]
    assert list(Deliverable.objects.order_by("-due_quarter")) == [late, early]


def test_the_column_holds_the_first_day_of_the_quarter():
    deliverable = DeliverableFactory(due_quarter=Quarter(2024, 4))
    stored = Deliverable.objects.filter(pk=deliverable.pk).values_list("due_quarter", flat=True)
    assert stored.get() == Quarter(2024, 4)
    assert QuarterField().get_prep_value(Quarter(2024, 4)) == dt.date(2025, 1, 1)


def test_the_model_field_refuses_a_date_that_starts_no_quarter():
    with pytest.raises(ValidationError, match="not the first day of a quarter"):
        QuarterField().to_python(dt.date(2024, 5, 3))


def test_the_form_field_accepts_both_forms_and_explains_bad_input():
    field = QuarterFormField()
    assert field.clean("Q3 2024/25") == Quarter(2024, 3)
    assert field.clean("2024-Q3") == Quarter(2024, 3)
    with pytest.raises(ValidationError, match="quarters are numbered Q1 to Q4"):
        field.clean("Q5 2024/25")
    assert field.prepare_value(Quarter(2024, 3)) == "Q3 2024/25"


def test_a_quarter_choice_offers_its_quarters_by_compact_value_and_label():
    field = QuarterChoiceField(quarters=[Quarter(2025, 2), Quarter(2025, 3)])
    assert list(field.choices) == [
        ("2025-Q2", "Q2 2025/26 (Jul-Sep 2025)"),
        ("2025-Q3", "Q3 2025/26 (Oct-Dec 2025)"),
    ]
    assert field.clean("2025-Q3") == Quarter(2025, 3)
    assert field.clean("Q2 2025/26") == Quarter(2025, 2)
    assert field.prepare_value(Quarter(2025, 2)) == "2025-Q2"


@pytest.mark.parametrize(
    ("value", "shown"), [("2025-Q4", "Q4 2025/26"), ("banana", "banana"), ("2025-Q9", "2025-Q9")]
)
def test_a_quarter_choice_refuses_anything_not_offered(value, shown):
    field = QuarterChoiceField(quarters=[Quarter(2025, 2)])
    with pytest.raises(ValidationError) as refused:
        field.clean(value)
    assert refused.value.messages == [f"Choose a quarter from the list: {shown} is not one of them"]
