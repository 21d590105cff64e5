import io

import pytest
from django.core.management import call_command


@pytest.mark.django_db
def test_healthz_answers_ok_without_touching_the_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok"
    assert response["Content-Type"].startswith("text/plain")
    assert response["Content-Length"] == "2"  # not sent chunked


@pytest.mark.django_db
def test_healthz_answers_over_plain_http_for_any_host(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.ALLOWED_HOSTS = ["prap.example.org"]
    response = client.get("/healthz", HTTP_HOST="10.0.0.7:8000")
    assert response.status_code == 200
    assert client.get("/", HTTP_HOST="10.0.0.7:8000").status_code == 400


@pytest.mark.django_db
def test_the_home_page_lists_the_44_forces_by_region(client, reference):
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Dorset Police" in html
    assert "Dyfed-Powys Police" in html
    assert html.index(">East Midlands<") < html.index(">Wales<")


@pytest.mark.django_db
def test_every_page_says_so_while_demo_data_is_loaded(client, reference):
    assert "Demonstration data" not in client.get("/").content.decode()
    call_command("seed_demo", stdout=io.StringIO())
    assert "Demonstration data" in client.get("/").content.decode()
    call_command("seed_demo", clear=True, stdout=io.StringIO())
    assert "Demonstration data" not in client.get("/").content.decode()


@pytest.mark.django_db
def test_a_coordinator_must_belong_to_a_force(force_a):
    from django.db import IntegrityError, transaction

    from accounts.models import User

    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create_user("nobody@example.com", role=User.Role.COORDINATOR)
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create_user("natalie@example.com", role=User.Role.NATIONAL, force=force_a)
    assert User.objects.create_user("c@example.com", force=force_a).is_coordinator
