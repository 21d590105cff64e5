"""The tables' cells, rendered once per column (``GovukTable.body``), are exactly what
django-tables2 renders for them cell by cell: on the demo data, every public table."""

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


def tight(html: str) -> str:
    return re.sub(r">\s+<", "><", html).strip()


@pytest.mark.parametrize(
    "url",
    [
        "/national/",
        "/national/?sort=-percent_complete&workstream=involved",
        "/national/coverage/",
        "/national/disparities/",
        "/national/disparities/?group=Asian&sort=ratio",
    ],
)
def test_each_tables_cells_are_django_tables2s_own(client, reference, url):
    call_command("seed_demo", today=DEMO_DAY, stdout=io.StringIO())
    table = client.get(url).context["table"]

    fast = "".join(tight(str(cells)) + "|" for _, cells in table.body)
    slow = tight(CELL_BY_CELL.render(Context({"table": table})))

    assert len(table.body) > 10
    assert fast == re.sub(r">\s+<", "><", slow)
