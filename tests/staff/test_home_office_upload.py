"""The national team's page for loading the Home Office's yearly table."""

import html
import re
import shutil

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from indicators.models import OfficialTableImport, StopSearchCount, StopSearchUpload
from tests.clock import DEMO_MOMENT, on

pytestmark = pytest.mark.django_db
HEADER = "financial_year,police_force,ethnicity,total_searches\n"
URL = "/staff/figures/home-office/"


def text(response) -> str:
    return html.unescape(" ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split()))


def csv_file(body: str) -> SimpleUploadedFile:
    return SimpleUploadedFile("table.csv", (HEADER + body).encode(), "text/csv")


def fingerprint(response) -> str:
    return re.search(r'name="fingerprint" value="(\w+)"', response.content.decode())[1]


def test_the_national_team_uploads_previews_and_confirms_a_year(client, reference, nadia):
    client.force_login(nadia)
    with on(DEMO_MOMENT):
        uploaded = client.post(
            URL,
            {
                "table": "stop-search",
                "file": csv_file("2024/25,Avon & Somerset,Black,1\n2024/25,Dorset,Black,2\n"),
            },
        )
        preview = client.get(uploaded["Location"])
        page = text(preview)
        assert "Already loaded: 2024/25" in page
        assert re.search(r"2024/25 dorset Black [\d,]+ 2 ", page)
        assert "Nothing has been saved yet" in page
        assert StopSearchCount.objects.filter(year="2024/25").count() > 2

        done = client.post(uploaded["Location"], {"fingerprint": fingerprint(preview)}, follow=True)

    assert "Loaded 2024/25: 2 rows of table.csv" in text(done)
    assert StopSearchCount.objects.filter(year="2024/25").count() == 2
    record = OfficialTableImport.objects.get()
    assert record.imported_by == nadia
    assert record.by in text(done)
    assert StopSearchCount.history.filter(history_user=nadia).exists()


def test_bad_rows_are_listed_with_their_row_and_column(client, reference, nadia):
    client.force_login(nadia)
    with on(DEMO_MOMENT):
        response = client.post(
            URL, {"table": "stop-search", "file": csv_file("2025/26,Gotham,Black,1\n")}
        )

    assert "There is a problem" in text(response)
    assert "Row 2, column police_force: no force called “Gotham”" in text(response)
    assert not StopSearchUpload.objects.exists()


def test_a_coordinator_may_not_load_the_table(client, reference, alice):
    client.force_login(alice)

    assert (
        client.post(
            URL, {"table": "stop-search", "file": csv_file("2025/26,Dorset,Black,1\n")}
        ).status_code
        == 403
    )
    assert not StopSearchUpload.objects.exists()


def test_cancel_forgets_the_upload(client, reference, nadia):
    client.force_login(nadia)
    with on(DEMO_MOMENT):
        uploaded = client.post(
            URL, {"table": "stop-search", "file": csv_file("2025/26,Dorset,Black,1\n")}
        )
        token = uploaded["Location"].rstrip("/").rsplit("/", 1)[1]
        cancelled = client.post(f"{URL}{token}/cancel/", follow=True)

    assert "Upload cancelled: nothing was loaded" in text(cancelled)
    assert not StopSearchUpload.objects.exists()
    assert not StopSearchCount.objects.filter(year="2025/26").exists()


@pytest.mark.skipif(shutil.which("java") is None, reason="Java is not installed: vnu.jar needs it")
def test_the_pages_are_valid_html(client, reference, nadia, tmp_path):
    from tests.test_valid_html import nu_errors

    client.force_login(nadia)
    with on(DEMO_MOMENT):
        refused = client.post(
            URL, {"table": "stop-search", "file": csv_file("2025/26,Gotham,Black,1\n")}
        )
        uploaded = client.post(
            URL, {"table": "stop-search", "file": csv_file("2024/25,Dorset,Black,2\n")}
        )
        preview = client.get(uploaded["Location"])
        client.post(uploaded["Location"], {"fingerprint": fingerprint(preview)})
        history = client.get(URL)
    pages = {
        "refused": refused.content.decode(),
        "preview": preview.content.decode(),
        "history": history.content.decode(),
    }

    assert nu_errors(pages, tmp_path) == []


def test_the_national_team_loads_a_population_table(client, reference, nadia):
    from indicators.models import Population

    client.force_login(nadia)
    body = "census,force_area,ethnicity,population\n2011,E23000039,Black,5000\n"
    with on(DEMO_MOMENT):
        uploaded = client.post(
            URL,
            {
                "table": "population",
                "file": SimpleUploadedFile("census.csv", body.encode(), "text/csv"),
            },
        )
        preview = client.get(uploaded["Location"])
        assert "Check the census population table" in text(preview)
        assert "Already loaded: 2011" in text(preview)
        client.post(uploaded["Location"], {"fingerprint": fingerprint(preview)})

    assert Population.objects.get(census=2011).residents == 5000
    assert OfficialTableImport.objects.get().kind == "population"
