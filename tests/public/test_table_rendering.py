"""The tables' cells and headings, rendered once per column (``GovukTable.body`` and
``GovukTable.head``), are exactly what django-tables2 and a template loop render for them
cell by cell: on the demo data, every public table and the return tracker."""

import datetime as dt
import io
import re

import pytest
from django.core.management import call_command
from django.template import Context, Template

pytestmark = pytest.mark.django_db

DEMO_DAY = dt.date(2026, 11, 20)

# The markup plans/govuk_table.html had for the rows before GovukTable.body: django-tables2's
# own BoundRow.items and BoundColumn.attrs, cell by cell.
CELL_BY_CELL = Template(
    "{% for row in table.rows %}{% for column, cell in row.items %}"
    '{% if forloop.first %}<th scope="row" {{ column.attrs.td.as_html }}>{{ cell }}</th>'
    "{% else %}<td {{ column.attrs.td.as_html }}>{{ cell }}</td>{% endif %}"
    "{% endfor %}|{% endfor %}"
)


# The header row plans/govuk_table.html had before GovukTable.head, column by column.
HEADING_BY_HEADING = Template(
    "{% load django_tables2 %}{% for column in table.columns %}"
    """
        <th scope="col" {{ column.attrs.th.as_html }}{% if column.is_ordered %} aria-sort="{% if column.order_by_alias.is_descending %}descending{% else %}ascending{% endif %}"{% endif %}>
          {% if column.orderable %}
          <a class="govuk-link prap-sort{% if column.is_ordered %} prap-sort--{% if column.order_by_alias.is_descending %}descending{% else %}ascending{% endif %}{% endif %}" href="{% querystring_replace table.prefixed_order_by_field=column.order_by_alias.next %}">{{ column.header }}<span class="govuk-visually-hidden">{% if column.is_ordered %}{% if column.order_by_alias.is_descending %}, sorted high to low; select to sort low to high{% else %}, sorted low to high; select to sort high to low{% endif %}{% else %}, select to sort{% endif %}</span></a>
          {% else %}{{ column.header }}{% endif %}
        </th>
        """  # noqa: E501
    "{% endfor %}"
)
TABLE_PAGES = [
    "/national/",
    "/national/?sort=-percent_complete&workstream=involved",
    "/national/?sort=status_mix&region=Nowhere",
    "/national/coverage/",
    "/national/coverage/?sort=-percent",
    "/national/disparities/",
    "/national/disparities/?group=Asian&sort=ratio",
]


def tight(html: str) -> str:
    return re.sub(r">\s+<", "><", html).strip()


@pytest.mark.parametrize("url", TABLE_PAGES)
def test_each_tables_cells_are_django_tables2s_own(client, reference, url):
    call_command("seed_demo", today=DEMO_DAY, stdout=io.StringIO())
    table = client.get(url).context["table"]

    fast = "".join(tight(str(cells)) + "|" for _, cells in table.body)
    slow = tight(CELL_BY_CELL.render(Context({"table": table})))

    assert len(table.body) > 10
    assert fast == re.sub(r">\s+<", "><", slow)


@pytest.mark.parametrize("url", TABLE_PAGES)
def test_each_tables_headings_are_the_template_loops_own(client, reference, url):
    call_command("seed_demo", today=DEMO_DAY, stdout=io.StringIO())
    response = client.get(url)
    table = response.context["table"]

    fast = str(table.head(response.wsgi_request))
    slow = HEADING_BY_HEADING.render(Context({"table": table, "request": response.wsgi_request}))

    assert fast.count("<th ") == len(table.columns) > 2
    assert fast == slow
    assert fast in response.content.decode()


@pytest.mark.parametrize("query", ["", "?sort=-due_count", "?sort=overdue"])
def test_the_return_trackers_cells_and_headings_are_the_same_as_cell_by_cell(
    client, reference, nadia, query
):
    call_command("seed_demo", today=DEMO_DAY, stdout=io.StringIO())
    client.force_login(nadia)
    response = client.get(f"/staff/returns/{query}")
    table = response.context["table"]

    fast = "".join(tight(str(cells)) + "|" for _, cells in table.body)
    slow = tight(CELL_BY_CELL.render(Context({"table": table})))
    head = HEADING_BY_HEADING.render(Context({"table": table, "request": response.wsgi_request}))

    assert len(table.body) > 10
    assert fast == re.sub(r">\s+<", "><", slow)
    assert str(table.head(response.wsgi_request)) == head
