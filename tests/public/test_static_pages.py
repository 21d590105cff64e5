import pytest
from django.contrib.auth.decorators import login_not_required
from django.test import override_settings
from django.urls import include, path


@pytest.mark.django_db
def test_the_accessibility_statement_is_linked_from_every_page(client, reference):
    home = client.get("/").content.decode()
    statement = client.get("/accessibility/")

    assert 'href="/accessibility/">Accessibility statement</a>' in home
    assert statement.status_code == 200
    html = statement.content.decode()
    assert "Accessibility statement for PRAP Tracker" in html
    assert "Enforcement procedure" in html
    assert "WCAG" in html or "Web Content Accessibility Guidelines" in html


@pytest.mark.django_db
def test_a_missing_page_is_a_friendly_404_in_the_site_layout(client, reference):
    response = client.get("/forces/atlantis/")
    html = response.content.decode()

    assert response.status_code == 404
    assert '<h1 class="govuk-heading-xl">Page not found</h1>' in html
    assert "Skip to main content" in html
    assert 'href="/forces/">find a police force</a>' in html


@login_not_required
def broken_view(request):
    raise RuntimeError("Something broke")


urlpatterns = [path("broken/", broken_view), path("", include("prap.urls"))]


@pytest.mark.django_db
@override_settings(ROOT_URLCONF=__name__)
def test_a_server_error_is_a_friendly_500_that_needs_no_database(client, django_assert_num_queries):
    client.raise_request_exception = False

    with django_assert_num_queries(0):
        response = client.get("/broken/")

    html = response.content.decode()
    assert response.status_code == 500
    assert "Sorry, there is a problem with the service" in html
    assert "Skip to main content" in html
    assert "Open Government Licence" in html
