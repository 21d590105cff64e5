"""Security headers on every kind of response: pages, redirects, error pages, static files;
no-store on private pages."""

import pytest

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.prap.urls")]

STRICT_POLICY = {
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
    "form-action 'self'",
}


def directives(response) -> set[str]:
    return {part.strip() for part in response["Content-Security-Policy"].split(";")}


def assert_security_headers(response):
    assert directives(response) >= STRICT_POLICY
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert "unsafe-eval" not in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert_no_powerful_features(response)


def assert_no_powerful_features(response):
    allowed = dict(part.strip().split("=", 1) for part in response["Permissions-Policy"].split(","))
    for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
        assert allowed[feature] == "()", feature


@pytest.fixture
def anyone(client):
    client.raise_request_exception = False
    return client


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/", 200),
        ("/accounts/sign-in/", 200),
        ("/admin/login/", 302),
        ("/admin/", 302),
        ("/no-such-page/", 404),
        ("/test/hides/dorset/", 404),
        ("/test/refuses/", 403),
        ("/test/breaks/", 500),
    ],
)
def test_pages_redirects_and_error_pages_carry_the_security_headers(anyone, path, status):
    response = anyone.get(path)
    assert response.status_code == status
    assert_security_headers(response)


def test_a_request_for_an_unknown_host_is_refused_with_the_security_headers(anyone):
    response = anyone.get("/", HTTP_HOST="attacker.example")
    assert response.status_code == 400
    assert_security_headers(response)


def test_a_form_posted_without_its_csrf_token_is_refused_with_the_security_headers(client):
    client = client.__class__(enforce_csrf_checks=True)
    response = client.post("/accounts/sign-in/", {"username": "x", "password": "y"})
    assert response.status_code == 403
    assert_security_headers(response)


def test_hsts_is_sent_over_https(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    response = client.get("/", secure=True)
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"


def test_static_files_carry_security_headers_of_their_own(client, settings):
    settings.WHITENOISE_USE_FINDERS = True
    settings.WHITENOISE_AUTOREFRESH = True
    for path in ("/static/css/prap.css", "/static/js/init.js", "/static/images/favicon.svg"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["X-Frame-Options"] == "DENY"
        assert response["Cross-Origin-Resource-Policy"] == "same-origin"
        assert "default-src 'none'" in response["Content-Security-Policy"]
        assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
        assert_no_powerful_features(response)


@pytest.mark.parametrize(
    "path",
    ["/admin/login/", "/admin/", "/admin/no-such-page/", "/staff/test/", "/accounts/login/"],
)
def test_private_pages_are_never_stored(anyone, path):
    response = anyone.get(path)
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]


def test_a_signed_in_admin_page_is_never_stored(client, sam):
    client.force_login(sam)
    response = client.get("/admin/plans/force/")
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


@pytest.mark.parametrize("path", ["/", "/forces/dorset/"])
def test_public_pages_may_be_cached(anyone, path):
    response = anyone.get(path)
    assert "no-store" not in response.get("Cache-Control", "")


@pytest.mark.parametrize("who", ["nadia", "alice"])
def test_a_signed_in_person_without_admin_access_is_told_why_not_sent_round_in_circles(
    who, request
):
    from tests.mfa import VerifiedClient

    user = request.getfixturevalue(who)
    client = VerifiedClient()
    client.force_login(user)
    response = client.get("/admin/", follow=True)
    assert response.status_code == 403
    assert len(response.redirect_chain) == 1
    page = response.content.decode()
    assert "You cannot use the administration pages" in page
    assert "for administrators only" in page
    assert_security_headers(response)
