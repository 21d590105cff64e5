"""The staff pages for loading data.police.uk monthly files: upload, preview, confirm."""

import html
import re
import shutil

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from indicators.loading import REFERENCE
from indicators.models import MonthlyStopSearchCount, StopSearchImport, StopSearchUpload
from indicators.police_uk import HEADER
from tests.factories import ForceFactory

pytestmark = pytest.mark.django_db
CITY_FILE = REFERENCE / "data-police-uk" / "2019-01-city-of-london-stop-and-search.csv"


def text(response) -> str:
    return html.unescape(" ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split()))


def upload_file(name: str = CITY_FILE.name, data: bytes | None = None) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, CITY_FILE.read_bytes() if data is None else data, "text/csv")


@pytest.fixture
def city(db):
    return ForceFactory(slug="city-of-london", name="City of London Police")


@pytest.fixture
def city_coordinator(city):
    from accounts.models import User
    from tests.factories import UserFactory

    return UserFactory(email="cole@city.example", role=User.Role.COORDINATOR, force=city)


def upload(client, slug="city-of-london", *files):
    return client.post(
        f"/staff/forces/{slug}/stop-searches/", {"files": list(files) or [upload_file()]}
    )


def test_a_coordinator_uploads_previews_and_confirms_their_forces_month(client, city_coordinator):
    client.force_login(city_coordinator)

    response = upload(client)

    assert response.status_code == 302
    preview = client.get(response["Location"])
    page = text(preview)
    assert "Nothing has been saved yet" in page
    assert "Rows read 153" in page
    # Self-defined, then officer-defined: Asian, Black, Mixed, Other, White, Not stated, All.
    assert "January 2019 defined by the person 28 18 9 5 49 44 153" in page
    assert "January 2019 recorded by the officer 37 36 0 3 71 6 153" in page
    assert not MonthlyStopSearchCount.objects.exists()

    fingerprint = re.search(r'name="fingerprint" value="(\w+)"', preview.content.decode())[1]
    done = client.post(response["Location"], {"fingerprint": fingerprint}, follow=True)

    assert "Loaded 2019-01 for City of London Police: 153 searches from 1 file" in text(done)
    record = StopSearchImport.objects.get()
    assert record.imported_by == city_coordinator
    assert record.rows_read == 153
    assert (
        MonthlyStopSearchCount.objects.filter(measure="officer-defined")
        .get(ethnicity="Black")
        .searches
        == 36
    )
    assert not StopSearchUpload.objects.exists()
    # The history of loads on the upload page names who loaded what.
    assert f"{record.by} 2019-01 {CITY_FILE.name} 153" in text(done)


def test_the_national_team_loads_any_forces_files(client, city, nadia):
    client.force_login(nadia)

    response = upload(client)
    preview = client.get(response["Location"])
    fingerprint = re.search(r'name="fingerprint" value="(\w+)"', preview.content.decode())[1]
    client.post(response["Location"], {"fingerprint": fingerprint})

    assert StopSearchImport.objects.get().imported_by == nadia


def test_a_coordinator_cannot_load_another_forces_files(client, city, alice):
    client.force_login(alice)

    assert upload(client).status_code == 404
    assert client.get("/staff/forces/city-of-london/stop-searches/").status_code == 404
    assert not StopSearchUpload.objects.exists()


def test_another_forces_file_is_refused_on_the_form(client, alice):
    client.force_login(alice)
    ForceFactory(slug="city-of-london", name="City of London Police")

    response = upload(client, "force-a")

    assert response.status_code == 200
    page = text(response)
    assert "There is a problem" in page
    assert "is City of London Police's file" in page
    assert not StopSearchUpload.objects.exists()


def test_a_wrong_header_is_refused_naming_the_columns(client, city_coordinator):
    client.force_login(city_coordinator)
    header = ",".join(c for c in HEADER if c != "Date") + "\n"

    response = upload(client, "city-of-london", upload_file(data=header.encode()))

    assert "missing columns: “Date”" in text(response)
    assert not MonthlyStopSearchCount.objects.exists()


def test_a_month_loaded_before_is_shown_old_to_new_and_replaced_on_confirm(
    client, city_coordinator
):
    client.force_login(city_coordinator)
    first = upload(client)
    page = client.get(first["Location"]).content.decode()
    fingerprint = re.search(r'name="fingerprint" value="(\w+)"', page)[1]
    client.post(first["Location"], {"fingerprint": fingerprint})
    lines = CITY_FILE.read_bytes().splitlines(keepends=True)
    fewer = b"".join([lines[0], *lines[2:]])  # without the first search (officer: Black)

    second = upload(client, "city-of-london", upload_file(data=fewer))
    preview = client.get(second["Location"])

    page = text(preview)
    assert "Already loaded: January 2019" in page
    assert "January 2019 officer-defined Black 36 35" in page
    assert "Confirm and replace" in page
    assert (
        MonthlyStopSearchCount.objects.get(measure="officer-defined", ethnicity="Black").searches
        == 36
    )

    fingerprint = re.search(r'name="fingerprint" value="(\w+)"', preview.content.decode())[1]
    client.post(second["Location"], {"fingerprint": fingerprint})

    assert (
        MonthlyStopSearchCount.objects.get(measure="officer-defined", ethnicity="Black").searches
        == 35
    )
    assert StopSearchImport.objects.count() == 2


def test_a_stale_preview_writes_nothing(client, city_coordinator):
    client.force_login(city_coordinator)
    response = upload(client)

    done = client.post(response["Location"], {"fingerprint": "out-of-date"})

    assert done.status_code == 200
    assert "nothing was written" in text(done)
    assert not MonthlyStopSearchCount.objects.exists()


def test_cancel_forgets_the_upload(client, city_coordinator):
    client.force_login(city_coordinator)
    response = upload(client)
    token = response["Location"].rstrip("/").rsplit("/", 1)[1]

    cancelled = client.post(
        f"/staff/forces/city-of-london/stop-searches/{token}/cancel/", follow=True
    )

    assert "Upload cancelled: nothing was loaded" in text(cancelled)
    assert not StopSearchUpload.objects.exists()
    assert not MonthlyStopSearchCount.objects.exists()


def test_a_file_over_the_limit_is_refused_as_it_arrives(client, city_coordinator, settings):
    settings.STOP_SEARCH_MAX_BYTES = 1000
    client.force_login(city_coordinator)

    response = upload(client)

    assert "larger than 0.0 MB, the largest file accepted" in text(response)
    assert not StopSearchUpload.objects.exists()


def test_another_sessions_upload_is_not_found(client, city_coordinator):
    from tests.mfa import VerifiedClient

    client.force_login(city_coordinator)
    location = upload(client)["Location"]
    other = VerifiedClient()
    other.force_login(city_coordinator)

    response = other.get(location, follow=True)

    assert "no longer waiting to be loaded" in text(response)


@pytest.mark.skipif(shutil.which("java") is None, reason="Java is not installed: vnu.jar needs it")
def test_the_upload_preview_and_history_pages_are_valid_html(client, city_coordinator, tmp_path):
    from tests.test_valid_html import nu_errors

    client.force_login(city_coordinator)
    refused = upload(client, "city-of-london", upload_file(data=b"Type\n"))
    location = upload(client)["Location"]
    first_preview = client.get(location)
    fingerprint = re.search(r'name="fingerprint" value="(\w+)"', first_preview.content.decode())[1]
    client.post(location, {"fingerprint": fingerprint})
    lines = CITY_FILE.read_bytes().splitlines(keepends=True)
    replacing = client.get(
        upload(client, "city-of-london", upload_file(data=b"".join([lines[0], *lines[2:]])))[
            "Location"
        ]
    )
    pages = {
        "refused": refused.content.decode(),
        "preview": first_preview.content.decode(),
        "replacing": replacing.content.decode(),
        "history": client.get("/staff/forces/city-of-london/stop-searches/").content.decode(),
    }
    assert "Counts that change" in pages["replacing"]

    assert nu_errors(pages, tmp_path) == []
