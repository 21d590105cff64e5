"""A force's loaded data.police.uk months on its disparities page, by police financial-year
quarter: searches by group (Not stated included), annualised rates, the Black/White ratio."""

import html
import io
import re
import shutil

import pytest
from django.core.management import call_command
from django.utils import timezone

from indicators.models import StopSearchUpload
from indicators.police_uk import HEADER
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

BLACK = "Black/African/Caribbean/Black British - Caribbean"
WHITE = "White - English/Welsh/Scottish/Northern Irish/British"


def text(response) -> str:
    return html.unescape(" ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split()))


def month_file(folder, force: str, month: str, groups: dict[str, int]) -> str:
    """A data.police.uk file for ``month`` with ``groups[label]`` searches of each label (the
    officer recorded the same group; blank for a blank label)."""
    lines = [",".join(HEADER)]
    for label, searches in groups.items():
        row = [""] * len(HEADER)
        row[HEADER.index("Date")] = f"{month}-10T12:00:00+00:00"
        row[HEADER.index("Self-defined ethnicity")] = label
        row[HEADER.index("Officer-defined ethnicity")] = label.split(" ")[0].split("/")[0]
        lines += [",".join(row)] * searches
    path = folder / f"{month}-{force}-stop-and-search.csv"
    path.write_text("\n".join(lines) + "\n")
    return str(path)


def load(*files, force="dorset"):
    call_command(
        "import_stop_searches", "--force", force, *files, "--confirm", stdout=io.StringIO()
    )


def test_a_part_quarter_shows_counts_annualised_rates_and_the_ratio(client, reference, tmp_path):
    page_before = text(client.get("/forces/dorset/disparities/"))
    assert "Each quarter, from the monthly records" not in page_before

    load(
        month_file(tmp_path, "dorset", "2022-04", {BLACK: 6, WHITE: 12, "": 2}),
        month_file(tmp_path, "dorset", "2022-05", {BLACK: 4, WHITE: 8, "": 1}),
    )
    page = text(client.get("/forces/dorset/disparities/"))

    # The cached page was renewed by the load.
    assert "Each quarter, from the monthly records" in page
    assert "annualised" in page
    # Q1 2022/23, two months: Asian 0, Black 10, Mixed 0, Other 0, White 20, Not stated 3, 23.
    # Dorset's residents (Census 2021): 5,315 Black, 733,925 White. Annualised:
    # 10 / 5,315 x 1,000 x 12 / 2 = 11.29; 20 / 733,925 x 1,000 x 6 = 0.16; ratio 69.04,
    # interval 69.04 x exp(±1.96 x sqrt(1/10 + 1/20)) = 32.32 to 147.50.
    assert (
        "Q1 2022/23 (Apr-Jun 2022; 2 of 3 months loaded) 0 10 0 0 20 3 33 11.29 0.16 69.04 "
        "Fewer than 20 searches of Black people: treat with caution. 32.32 to 147.50"
    ) in page
    assert "as the person defined it" in page and "as the officer recorded it" in page


def test_the_city_of_london_shows_counts_and_no_rates(client, reference):
    # load_reference counts the shipped January 2019 file: Q4 2018/19, one month.
    page = text(client.get("/forces/city-of-london/disparities/"))

    assert (
        "Q4 2018/19 (Jan-Mar 2019; 1 of 3 months loaded) 28 18 9 5 49 44 153 not meaningful"
    ) in page
    assert (
        "Q4 2018/19 (Jan-Mar 2019; 1 of 3 months loaded) 37 36 0 3 71 6 153 not meaningful"
    ) in page


def test_files_waiting_for_confirmation_are_not_public(client, reference):
    from plans.models import Force

    dorset = Force.objects.get(slug="dorset")
    StopSearchUpload.objects.create(
        token="waiting",
        owner=UserFactory(),
        session_hash="x" * 64,
        force=dorset,
        reading={
            "files": ["2022-04-dorset-stop-and-search.csv"],
            "rows_read": 7,
            "months": ["2022-04-01"],
            "counts": [["2022-04-01", "self-defined", "Black", 7]],
        },
        saved_at=timezone.now(),
    )

    page = text(client.get("/forces/dorset/disparities/"))

    assert "Each quarter, from the monthly records" not in page
    assert "Q1 2022/23 (Apr-Jun 2022" not in page


@pytest.mark.skipif(shutil.which("java") is None, reason="Java is not installed: vnu.jar needs it")
def test_the_pages_with_quarters_are_valid_html(client, reference, tmp_path):
    from tests.test_valid_html import nu_errors

    load(month_file(tmp_path, "dorset", "2022-04", {BLACK: 6, WHITE: 12, "": 2}))
    pages = {
        slug: client.get(f"/forces/{slug}/disparities/").content.decode()
        for slug in ("dorset", "city-of-london")
    }
    assert all('id="each-quarter"' in page for page in pages.values())

    (tmp_path / "pages").mkdir()
    assert nu_errors(pages, tmp_path / "pages") == []
