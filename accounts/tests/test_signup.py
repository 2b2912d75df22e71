"""Signing up: the form, the e-mail over SMTP, the link, and every refusal."""

import re
import time
from urllib.parse import urlsplit

import pytest
from django.contrib.auth import SESSION_KEY
from django.core import signing

from accounts import services
from accounts.models import User
from accounts.tests.fixtures import PASSWORD, body, links, make_user
from newsroom.models import Author

SIGNUP = "/accounts/signup/"
GOOD = {
    "email": "new.reader@example.org",
    "display_name": "New Reader",
    "password1": PASSWORD,
    "password2": PASSWORD,
}


def verify_link(message) -> str:
    (link,) = [url for url in links(body(message)) if "/accounts/verify/" in url]
    return link


def test_signup_page_is_an_accessible_noindex_form(client, db):
    # when
    response = client.get(SIGNUP)
    # then
    html = response.content.decode()
    assert response.status_code == 200
    assert '<meta name="robots" content="noindex">' in html
    assert '<label for="id_email">E-mail address</label>' in html
    assert 'autocomplete="email"' in html
    assert 'autocomplete="nickname"' in html
    assert html.count('autocomplete="new-password"') == 2
    assert 'aria-describedby="id_display_name_helptext"' in html
    assert "<style" not in html and "style=" not in html
    assert "<script>" not in html


def test_signup_verify_and_sign_in_over_smtp(client, submit, smtp_server):
    # given a reader signing up from an article's comment box
    # when
    response = submit("post", SIGNUP + "?next=/accounts/", GOOD)
    # then: an inactive account with a random username, and one e-mail
    assert response.status_code == 302
    assert response["Location"] == "/accounts/signup/done/"
    user = User.objects.get()
    assert user.email == "new.reader@example.org"
    assert user.display_name == "New Reader"
    assert user.is_active is False
    assert user.email_verified_at is None
    assert re.fullmatch(r"reader-[0-9a-f]{12}", user.username)
    assert user.check_password(PASSWORD)
    assert len(smtp_server.messages) == 1
    message = smtp_server.messages[0]
    assert smtp_server.recipients == [["new.reader@example.org"]]
    assert message["To"] == "new.reader@example.org"
    assert message["Subject"] == "Confirm your e-mail address for Global News"
    link = verify_link(message)
    assert link.startswith("http://testserver/accounts/verify/")
    assert f'href="{link}"' in body(message, "html")

    # when the reader looks at the page they were sent to
    done = client.get("/accounts/signup/done/")
    # then
    assert done.status_code == 200
    assert "<strong>new.reader@example.org</strong>" in done.content.decode()
    assert client.session.get(SESSION_KEY) is None

    # when they click the link
    response = submit("get", urlsplit(link).path)
    # then: active, signed in, back where they started, welcomed
    assert response.status_code == 302
    assert response["Location"] == "/accounts/"
    user.refresh_from_db()
    assert user.is_active is True
    assert user.email_verified_at is not None
    assert client.session[SESSION_KEY] == str(user.pk)
    page = client.get("/accounts/").content.decode()
    assert (
        "Welcome, New Reader: your e-mail address is confirmed and you’re signed in."
        in page
    )
    assert len(smtp_server.messages) == 1


def test_verified_reader_without_next_goes_to_the_front_page(submit, smtp_server):
    submit("post", SIGNUP, GOOD)
    response = submit("get", urlsplit(verify_link(smtp_server.messages[0])).path)
    assert response.status_code == 302
    assert response["Location"] == "/"


def test_unsafe_next_is_ignored(submit, smtp_server):
    submit("post", SIGNUP + "?next=https://evil.example/", GOOD)
    response = submit("get", urlsplit(verify_link(smtp_server.messages[0])).path)
    assert response["Location"] == "/"


def test_a_head_request_does_not_use_the_link(client, submit, smtp_server):
    # given a mail client that checks links with HEAD
    submit("post", SIGNUP, GOOD)
    path = urlsplit(verify_link(smtp_server.messages[0])).path
    # when
    response = client.head(path)
    # then
    assert response.status_code == 405
    assert User.objects.get().is_active is False
    assert submit("get", path).status_code == 302


def test_a_used_link_is_refused_the_second_time(client, submit, smtp_server):
    # given a reader who verified and signed out
    submit("post", SIGNUP, GOOD)
    path = urlsplit(verify_link(smtp_server.messages[0])).path
    submit("get", path)
    client.post("/accounts/logout/")
    # when
    response = submit("get", path)
    # then
    assert response.status_code == 400
    assert "This link has already been used" in response.content.decode()
    assert client.session.get(SESSION_KEY) is None
    assert len(smtp_server.messages) == 1


def test_expired_link_is_refused_and_offers_a_new_one(
    client, submit, pending_reader, smtp_server, monkeypatch, settings
):
    # given a link made longer ago than links last
    made = time.time() - settings.ACCOUNTS_VERIFY_MAX_AGE - 60
    monkeypatch.setattr(signing.time, "time", lambda: made)
    token = services.make_verification_token(pending_reader)
    monkeypatch.undo()
    # when
    response = submit("get", f"/accounts/verify/{token}/")
    # then
    html = response.content.decode()
    assert response.status_code == 400
    assert "<h1>This link has expired</h1>" in html
    assert 'action="/accounts/verify/resend/"' in html
    assert 'autocomplete="email"' in html
    pending_reader.refresh_from_db()
    assert pending_reader.is_active is False
    assert pending_reader.email_verified_at is None
    assert client.session.get(SESSION_KEY) is None
    assert smtp_server.messages == []


def _tamper_signature(token: str) -> str:
    last = token[-1]
    return token[:-1] + ("A" if last != "A" else "B")


def _other_account(token: str) -> str:
    # A well-signed token, but made for another account's state (a stolen format).
    pk, fingerprint, next_url = signing.loads(token, salt=services.VERIFY_SALT)
    return signing.dumps(
        [pk, "0" * len(fingerprint), next_url], salt=services.VERIFY_SALT
    )


@pytest.mark.parametrize(
    "tamper",
    [
        pytest.param(_tamper_signature, id="signature"),
        pytest.param(lambda t: "x" + t, id="payload"),
        pytest.param(lambda t: "not-a-token", id="garbage"),
        pytest.param(
            lambda t: signing.dumps(signing.loads(t, salt=services.VERIFY_SALT)),
            id="wrong-salt",
        ),
        pytest.param(_other_account, id="fingerprint"),
    ],
)
def test_tampered_link_is_refused(client, submit, pending_reader, smtp_server, tamper):
    # given
    token = tamper(services.make_verification_token(pending_reader))
    # when
    response = submit("get", f"/accounts/verify/{token}/")
    # then
    assert response.status_code == 400
    assert "<h1>This link doesn’t work</h1>" in response.content.decode()
    pending_reader.refresh_from_db()
    assert pending_reader.is_active is False
    assert pending_reader.email_verified_at is None
    assert client.session.get(SESSION_KEY) is None
    assert smtp_server.messages == []


def test_a_new_signup_for_a_pending_address_replaces_the_old_link(
    submit, smtp_server, pending_reader
):
    # given a link sent for the first sign-up (perhaps a stranger's)
    old_token = services.make_verification_token(pending_reader)
    # when the address is signed up again
    response = submit(
        "post", SIGNUP, {**GOOD, "email": "BEN@example.org", "display_name": "Ben"}
    )
    # then: the same answer, the latest name and password, a new working link
    assert response.status_code == 302
    assert response["Location"] == "/accounts/signup/done/"
    assert User.objects.count() == 1
    pending_reader.refresh_from_db()
    assert pending_reader.display_name == "Ben"
    assert pending_reader.check_password(PASSWORD)
    assert submit("get", f"/accounts/verify/{old_token}/").status_code == 400
    assert smtp_server.recipients == [["ben@example.org"]]
    new_link = urlsplit(verify_link(smtp_server.messages[0])).path
    assert submit("get", new_link).status_code == 302
    pending_reader.refresh_from_db()
    assert pending_reader.is_active is True


def test_duplicate_email_is_not_revealed(client, submit, smtp_server, reader):
    # given an active reader at ada@example.org
    password_before = reader.password
    # when someone signs up with the same address in other letters
    response = submit(
        "post",
        SIGNUP,
        {**GOOD, "email": "ADA@Example.org", "display_name": "Impostor"},
    )
    # then: the answer a new address gets
    assert response.status_code == 302
    assert response["Location"] == "/accounts/signup/done/"
    done = client.get("/accounts/signup/done/").content.decode()
    assert "We’ve sent a message to <strong>ADA@example.org</strong>." in done
    # and nothing changed; the owner is told, with no link that activates anything
    assert User.objects.count() == 1
    reader.refresh_from_db()
    assert reader.password == password_before
    assert reader.display_name == "Ada Reader"
    assert smtp_server.recipients == [["ada@example.org"]]
    message = smtp_server.messages[0]
    assert message["Subject"] == "You already have an account with Global News"
    assert links(body(message)) == [
        "http://testserver/accounts/login/",
        "http://testserver/accounts/password-reset/",
        "http://testserver",
    ]


@pytest.mark.parametrize(
    "name",
    [
        pytest.param("Admin", id="admin"),
        pytest.param("ADMIN ", id="upper-space"),
        pytest.param("Аdmin", id="cyrillic-a"),
        pytest.param("adm1n", id="digit"),
        pytest.param("a\u200bdmin", id="zero-width"),
        pytest.param("Mоderator", id="cyrillic-o"),
        pytest.param("Tοm Cοle", id="author-greek-omicron"),
        pytest.param("Night Desk", id="staff-display-name"),
    ],
)
def test_reserved_names_are_refused(submit, smtp_server, name):
    # given an author and a member of staff
    Author.objects.create(name="Tom Cole", slug="tom-cole")
    make_user("desk@example.org", display_name="Night Desk", is_staff=True)
    users_before = User.objects.count()
    # when
    response = submit("post", SIGNUP, {**GOOD, "display_name": name})
    # then
    html = response.content.decode()
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "display_name": [
            "That name is reserved for the site and its staff. Please choose another."
        ]
    }
    assert 'aria-invalid="true"' in html
    assert 'aria-describedby="id_display_name_helptext id_display_name_error"' in html
    assert '<p class="field__error" id="id_display_name_error">' in html
    assert "<title>Error: Create an account – Global News</title>" in html
    assert User.objects.count() == users_before
    assert smtp_server.messages == []


@pytest.mark.parametrize(
    ("data", "errors"),
    [
        pytest.param(
            {},
            {
                "email": ["Enter your e-mail address."],
                "display_name": ["Enter a display name."],
                "password1": ["Choose a password."],
                "password2": ["Type your password again."],
            },
            id="empty",
        ),
        pytest.param(
            {"email": "not-an-address"},
            {"email": ["Enter an e-mail address like name@example.com."]},
            id="bad-email",
        ),
        pytest.param(
            {"email": "ada\x00@example.org"},
            {
                "email": [
                    "Enter an e-mail address like name@example.com.",
                    "Null characters are not allowed.",
                ]
            },
            id="nul-in-email",
        ),
        pytest.param(
            {"display_name": "x" * 51},
            {"display_name": ["Use at most 50 characters (this one has 51)."]},
            id="name-too-long",
        ),
        pytest.param(
            {"display_name": "A"},
            {"display_name": ["Use at least 2 characters."]},
            id="name-too-short",
        ),
        pytest.param(
            {"display_name": "Ada\x00"},
            {"display_name": ["Null characters are not allowed."]},
            id="nul-in-name",
        ),
        pytest.param(
            {"display_name": "\x01\x02\u200b\u202e"},
            {"display_name": ["Enter a display name."]},
            id="only-control-characters",
        ),
        pytest.param(
            {"password2": PASSWORD + "!"},
            {"password2": ["The two passwords don’t match."]},
            id="mismatched-passwords",
        ),
        pytest.param(
            {"password1": "password", "password2": "password"},
            {"password1": ["This password is too common."]},
            id="common-password",
        ),
        pytest.param(
            {"password1": "83920174", "password2": "83920174"},
            {"password1": ["This password is entirely numeric."]},
            id="numeric-password",
        ),
    ],
)
def test_bad_input_is_refused_with_field_errors(submit, smtp_server, data, errors):
    # when
    response = submit("post", SIGNUP, {**GOOD, **data} if data else {})
    # then
    assert response.status_code == 200
    assert response.context["form"].errors == errors
    html = response.content.decode()
    for field in errors:
        assert f'id="id_{field}_error"' in html
    assert User.objects.count() == 0
    assert smtp_server.messages == []


def test_invisible_characters_are_stripped_from_the_stored_name(submit, smtp_server):
    submit("post", SIGNUP, {**GOOD, "display_name": " \u202eNew\u200b  Reader\x07 "})
    assert User.objects.get().display_name == "New Reader"


def test_signup_is_rate_limited_per_address(client, submit, smtp_server, settings):
    # given a limit of two sign-ups an hour
    settings.ACCOUNTS_RATE_LIMIT = 2
    for n in range(2):
        response = submit("post", SIGNUP, {**GOOD, "email": f"r{n}@example.org"})
        assert response.status_code == 302
    # when
    response = submit("post", SIGNUP, {**GOOD, "email": "r2@example.org"})
    # then
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 3600
    assert "<h1>Too many attempts</h1>" in response.content.decode()
    assert not User.objects.filter(email="r2@example.org").exists()
    assert len(smtp_server.messages) == 2


def test_typos_do_not_use_up_the_limit(submit, smtp_server, settings):
    settings.ACCOUNTS_RATE_LIMIT = 1
    for _ in range(3):
        assert submit("post", SIGNUP, {**GOOD, "password2": "x"}).status_code == 200
    assert submit("post", SIGNUP, GOOD).status_code == 302


def test_trying_reserved_names_uses_up_the_limit(submit, smtp_server, settings):
    # given a limit of two, and someone probing for staff names
    settings.ACCOUNTS_RATE_LIMIT = 2
    for name in ("Admin", "Editor"):
        response = submit("post", SIGNUP, {**GOOD, "display_name": name})
        assert response.status_code == 200
    # when
    response = submit("post", SIGNUP, {**GOOD, "display_name": "Root"})
    # then
    assert response.status_code == 429
    assert User.objects.count() == 0
    assert smtp_server.messages == []


def test_rate_limit_counts_the_client_behind_our_proxy(submit, smtp_server, settings):
    # given one trusted proxy and a limit of one
    settings.TRUSTED_PROXY_COUNT = 1
    settings.ACCOUNTS_RATE_LIMIT = 1
    first = {"HTTP_X_FORWARDED_FOR": "203.0.113.1"}
    second = {"HTTP_X_FORWARDED_FOR": "203.0.113.2"}
    # when / then: each client has its own allowance, whatever it claims before
    assert (
        submit("post", SIGNUP, {**GOOD, "email": "a@example.org"}, **first).status_code
        == 302
    )
    assert (
        submit("post", SIGNUP, {**GOOD, "email": "b@example.org"}, **second).status_code
        == 302
    )
    spoofed = {"HTTP_X_FORWARDED_FOR": "198.51.100.9, 203.0.113.1"}
    assert (
        submit(
            "post", SIGNUP, {**GOOD, "email": "c@example.org"}, **spoofed
        ).status_code
        == 429
    )
    assert User.objects.count() == 2


@pytest.mark.parametrize(
    "address",
    [
        pytest.param("nobody@example.org", id="unknown"),
        pytest.param("ada@example.org", id="active-account"),
        pytest.param("BEN@example.org", id="pending-account"),
    ],
)
def test_resend_answers_the_same_for_every_address(
    client, submit, smtp_server, reader, pending_reader, address
):
    # when
    response = submit("post", "/accounts/verify/resend/", {"email": address})
    # then
    assert response.status_code == 302
    assert response["Location"] == "/accounts/verify/resend/done/"
    page = client.get(response["Location"]).content.decode()
    assert f"If <strong>{address}</strong> belongs to an account waiting" in page
    # and only an account waiting for verification gets a (working) link
    if address == "BEN@example.org":
        assert smtp_server.recipients == [["ben@example.org"]]
        assert (
            submit("get", urlsplit(verify_link(smtp_server.messages[0])).path)[
                "Location"
            ]
            == "/"
        )
    else:
        assert smtp_server.messages == []


def test_resend_refuses_a_malformed_address(submit, smtp_server, pending_reader):
    response = submit("post", "/accounts/verify/resend/", {"email": "ben@"})
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "email": ["Enter an e-mail address like name@example.com."]
    }
    assert smtp_server.messages == []


def test_resend_is_rate_limited(submit, smtp_server, pending_reader, settings):
    settings.ACCOUNTS_RATE_LIMIT = 1
    data = {"email": "ben@example.org"}
    assert submit("post", "/accounts/verify/resend/", data).status_code == 302
    response = submit("post", "/accounts/verify/resend/", data)
    assert response.status_code == 429
    assert int(response["Retry-After"]) >= 1
    assert len(smtp_server.messages) == 1


def test_one_inbox_gets_at_most_three_account_emails_an_hour(
    submit, smtp_server, pending_reader, settings
):
    # given requests from many addresses (no per-client limit in the way)
    settings.ACCOUNTS_RATE_LIMIT = 100
    # when
    for _ in range(5):
        submit("post", "/accounts/verify/resend/", {"email": "ben@example.org"})
    # then
    assert len(smtp_server.messages) == 3


def test_signed_in_reader_is_sent_on_from_signup(client, reader):
    client.force_login(reader)
    response = client.get(SIGNUP + "?next=/accounts/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/"
