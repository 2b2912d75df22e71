"""Signing in and out, the account page, and resetting a password over SMTP."""

from urllib.parse import urlsplit

import pytest
from django.contrib.auth import SESSION_KEY

from accounts.models import User
from accounts.tests.fixtures import PASSWORD, body, links, make_user

LOGIN = "/accounts/login/"
RESET = "/accounts/password-reset/"


def test_login_page_is_an_accessible_noindex_form(client, db):
    response = client.get(LOGIN + "?next=/accounts/")
    html = response.content.decode()
    assert response.status_code == 200
    assert '<meta name="robots" content="noindex">' in html
    assert '<label for="id_username">E-mail address or username</label>' in html
    assert 'autocomplete="username"' in html
    assert 'autocomplete="current-password"' in html
    assert '<input type="hidden" name="next" value="/accounts/">' in html
    assert 'href="/accounts/signup/?next=/accounts/"' in html


@pytest.mark.parametrize(
    "identifier",
    [
        pytest.param("ada@example.org", id="email"),
        pytest.param("ADA@EXAMPLE.ORG", id="email-any-case"),
        pytest.param("ada", id="username"),
    ],
)
def test_reader_signs_in_and_goes_to_next(client, reader, identifier):
    # when
    response = client.post(
        LOGIN + "?next=/accounts/", {"username": identifier, "password": PASSWORD}
    )
    # then
    assert response.status_code == 302
    assert response["Location"] == "/accounts/"
    assert client.session[SESSION_KEY] == str(reader.pk)


def test_next_off_the_site_is_not_followed(client, reader):
    response = client.post(
        LOGIN + "?next=https://evil.example/",
        {"username": "ada@example.org", "password": PASSWORD},
    )
    assert response.status_code == 302
    assert response["Location"] == "/"


def test_signed_in_reader_sent_to_login_again_does_not_loop(client, reader):
    client.force_login(reader)
    response = client.get(LOGIN + "?next=/accounts/login/")
    assert response.status_code == 302
    assert response["Location"] == "/"


@pytest.mark.parametrize(
    ("identifier", "password"),
    [
        pytest.param("ada@example.org", "wrong password", id="wrong-password"),
        pytest.param("nobody@example.org", PASSWORD, id="unknown-address"),
        pytest.param("ben@example.org", "wrong password", id="unverified-wrong"),
    ],
)
def test_failed_sign_in_says_the_same_thing(
    client, reader, pending_reader, identifier, password
):
    # when
    response = client.post(LOGIN, {"username": identifier, "password": password})
    # then
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "__all__": [
            "That e-mail address and password don’t match an account. "
            "Check both and try again."
        ]
    }
    assert SESSION_KEY not in client.session


def test_unverified_reader_is_told_to_verify(client, pending_reader):
    # when the right password is given for an account never verified
    response = client.post(LOGIN, {"username": "ben@example.org", "password": PASSWORD})
    # then
    html = response.content.decode()
    assert response.status_code == 200
    assert response.context["form"].non_field_errors().as_data()[0].code == (
        "unverified"
    )
    assert (
        "You need to confirm your e-mail address before you can sign in: follow the "
        "link in the e-mail we sent you, or "
        '<a href="/accounts/verify/resend/">get a new link</a>.' in html
    )
    assert SESSION_KEY not in client.session


def test_switched_off_account_is_not_told_to_verify(client, db):
    make_user("off@example.org", username="off", active=False, verified=True)
    response = client.post(LOGIN, {"username": "off@example.org", "password": PASSWORD})
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "__all__": ["This account has been switched off. Contact the editors."]
    }
    assert SESSION_KEY not in client.session


def test_logout_needs_a_post(client, reader):
    # given
    client.force_login(reader)
    # when
    response = client.get("/accounts/logout/")
    # then
    assert response.status_code == 405
    assert client.session[SESSION_KEY] == str(reader.pk)


def test_logout_by_post_signs_out(client, reader):
    client.force_login(reader)
    response = client.post("/accounts/logout/", follow=True)
    assert response.redirect_chain[0] == ("/", 302)
    assert SESSION_KEY not in client.session


def test_account_page_needs_sign_in(client, db):
    response = client.get("/accounts/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/accounts/"


def test_account_page_shows_the_reader_and_a_sign_out_button(client, reader):
    client.force_login(reader)
    html = client.get("/accounts/").content.decode()
    assert 'name="profile-display_name" value="Ada Reader"' in html
    assert "ada@example.org" in html
    assert '<form method="post" action="/accounts/logout/">' in html


def test_password_reset_over_smtp_with_a_working_link(
    client, submit, smtp_server, reader, settings
):
    # given a site whose public address differs from the host asked
    settings.SITE_URL = "https://news.example.org"
    # when
    response = submit("post", RESET, {"email": "ADA@example.org"})
    # then
    assert response.status_code == 302
    assert response["Location"] == "/accounts/password-reset/sent/"
    assert smtp_server.recipients == [["ada@example.org"]]
    message = smtp_server.messages[0]
    assert message["Subject"] == "Reset your password for Global News"
    (link,) = [u for u in links(body(message)) if "/password-reset/" in u]
    assert link.startswith("https://news.example.org/accounts/password-reset/")
    assert f'href="{link}"' in body(message, "html")

    # when the reader follows it and chooses a new password
    response = client.get(urlsplit(link).path)
    assert response.status_code == 302  # Django moves the token out of the URL
    form_url = response["Location"]
    assert client.get(form_url).status_code == 200
    response = client.post(
        form_url,
        {
            "new_password1": "a brand new passphrase",
            "new_password2": "a brand new passphrase",
        },
    )
    # then
    assert response.status_code == 302
    assert response["Location"] == "/accounts/password-reset/done/"
    reader.refresh_from_db()
    assert reader.check_password("a brand new passphrase")
    assert client.get(urlsplit(link).path).status_code == 200  # used: invalid page
    assert "This link doesn’t work" in client.get(urlsplit(link).path).content.decode()


@pytest.mark.parametrize(
    "address",
    [
        pytest.param("nobody@example.org", id="unknown"),
        pytest.param("ben@example.org", id="unverified"),
    ],
)
def test_password_reset_sends_nothing_for_other_addresses(
    submit, smtp_server, pending_reader, address
):
    response = submit("post", RESET, {"email": address})
    assert response.status_code == 302
    assert response["Location"] == "/accounts/password-reset/sent/"
    assert smtp_server.messages == []
    pending_reader.refresh_from_db()
    assert pending_reader.is_active is False


def test_password_reset_is_rate_limited(submit, smtp_server, reader, settings):
    settings.ACCOUNTS_RATE_LIMIT = 1
    assert submit("post", RESET, {"email": "ada@example.org"}).status_code == 302
    response = submit("post", RESET, {"email": "ada@example.org"})
    assert response.status_code == 429
    assert int(response["Retry-After"]) >= 1
    assert len(smtp_server.messages) == 1


def test_password_reset_refuses_a_malformed_address(submit, smtp_server, reader):
    response = submit("post", RESET, {"email": "ada@"})
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "email": ["Enter an e-mail address like name@example.com."]
    }
    assert smtp_server.messages == []
    assert User.objects.get().check_password(PASSWORD)
