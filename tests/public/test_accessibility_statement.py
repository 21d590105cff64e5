"""The accessibility statement follows the UK public sector model statement."""

import re
from html import unescape

import pytest

pytestmark = pytest.mark.django_db


def sections(html: str) -> dict[str, str]:
    """Heading text -> the text up to the next heading of any level."""
    parts = re.split(r"<h[1-3][^>]*>(.*?)</h[1-3]>", html, flags=re.S)
    return {
        unescape(re.sub(r"<[^>]+>", "", parts[i])).strip(): " ".join(
            unescape(re.sub(r"<[^>]+>", " ", parts[i + 1])).split()
        )
        for i in range(1, len(parts) - 1, 2)
    }


@pytest.fixture
def statement(client, reference, settings):
    settings.ACCESSIBILITY_CONTACT_EMAIL = "access@prap.example"
    response = client.get("/accessibility/")
    assert response.status_code == 200
    return response.content.decode()


def test_the_statement_has_every_section_of_the_model_statement(statement):
    found = sections(statement)

    scope = found["Accessibility statement for PRAP Tracker"]
    for part in ("public pages", "national pages", "staff pages"):
        assert part in scope
    assert "partially compliant" in found["Compliance status"]
    assert "Web Content Accessibility Guidelines version 2.2" in found["Compliance status"]
    assert "working days" in found["Feedback and contact information"]
    reporting = found["Reporting accessibility problems with this website"]
    assert "access@prap.example" in reporting and "5 working days" in reporting
    enforcement = found["Enforcement procedure"]
    assert "Equality and Human Rights Commission" in enforcement
    assert "Equality Advisory and Support Service" in enforcement
    assert "axe-core" in found["How we tested this website"]
    assert "Nu Html Checker" in found["How we tested this website"]
    preparation = found["Preparation of this accessibility statement"]
    months = "January|February|March|April|May|June|July|August|September|October|November|December"
    date = rf"\d{{1,2}} ({months}) 20\d\d"
    assert re.search(rf"prepared on {date}", preparation)
    assert re.search(rf"last reviewed on {date}", preparation)
    assert re.search(rf"last tested on {date}", preparation)


def test_each_known_non_compliance_names_its_criterion_and_fix_date(statement):
    table = re.search(
        r'<table class="govuk-table prap-known-issues">(.*?)</table>', statement, re.S
    )
    rows = re.findall(r"<tr class=\"govuk-table__row\">(.*?)</tr>", table[1], re.S)[1:]
    assert len(rows) >= 5
    for row in rows:
        problem, criterion, fixed = (
            " ".join(unescape(re.sub(r"<[^>]+>", " ", cell)).split())
            for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
        )
        assert problem
        assert re.search(r"\d\.\d\.\d+ [A-Z]", criterion) or "Not yet known" in criterion
        assert re.search(r"20\d\d$", fixed)
    assert "2.2.1 Timing Adjustable" in table[1]
    assert "2.4.11 Focus Not Obscured" in table[1]


def test_without_a_contact_address_the_statement_still_says_whom_to_tell(client, reference):
    html = client.get("/accessibility/").content.decode()
    reporting = sections(html)["Reporting accessibility problems with this website"]

    assert "mailto:" not in html
    assert "contact the force whose plan it is" in reporting
