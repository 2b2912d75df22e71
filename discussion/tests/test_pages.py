"""The discussion as a reader without JavaScript meets it: forms, links, redirects."""

import re
import time

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth import get_user_model
from django.core import signing
from django.test import Client

from discussion.models import Comment, Thread, Vote
from discussion.tests.fixtures import guest

pytestmark = pytest.mark.django_db


def soup(response):
    return BeautifulSoup(response.content, "html.parser")


def old_stamp(seconds=60):
    return signing.dumps(int(time.time()) - seconds, salt="discussion.form")


def form(**fields):
    data = {
        "body": "Nice information",
        "name": "Asher",
        "email": "asher@example.org",
        "website": "",
        "homepage": "",
        "stamp": old_stamp(),
    }
    data.update(fields)
    return data


def post_url(article):
    return f"/discussion/articles/{article.pk}/comments/"


def test_article_invites_comments_with_an_accessible_form(client, article):
    html = soup(client.get(article.url))

    section = html.select_one("section#comments")
    assert section.select_one("#comments-heading").get_text() == "0 Comments"
    form_node = section.select_one("form#comment-form")
    assert form_node["action"] == post_url(article)
    for field in ("comment-body", "comment-name", "comment-email", "comment-website"):
        assert section.select_one(f"label[for={field}]") is not None
    assert "Never shown" in section.get_text()
    assert [a.get_text() for a in section.select(".discussion__sorts a")] == [
        "Oldest",
        "Newest",
        "Most voted",
        "Inline feedback",
    ]
    # Anonymous pages are shared from the cache: no per-reader token in them.
    assert section.select_one("input[name=csrfmiddlewaretoken]") is None


def test_guest_posts_without_javascript_and_lands_on_the_comment(client, article):
    response = client.post(post_url(article), form())

    comment = Comment.objects.get()
    assert response.status_code == 302
    assert (
        response["Location"]
        == f"{article.url}?thread={comment.pk}#comment-{comment.pk}"
    )
    assert "tribune_reader" in response.cookies
    page = soup(client.get(response["Location"]))
    node = page.select_one(f"#comment-{comment.pk}")
    assert node.select_one(".comment__author").get_text() == "Asher"
    assert node.select_one(".comment__body").get_text(strip=True) == "Nice information"
    assert page.select_one("#comments-heading").get_text() == "1 Comment"
    assert "asher@example.org" not in page.decode()
    # Still within the edit window, the guest sees edit and delete links.
    assert [a.get_text() for a in node.select(".comment__actions a")][-2:] == [
        "Edit",
        "Delete",
    ]


def test_comment_count_shows_in_listings_and_json_ld(client, article, post, section):
    post()
    post("Second")

    listing = client.get(section.url).content.decode()
    page = client.get(article.url).content.decode()

    assert '"commentCount": 2' in page
    assert "2 comments" in listing


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"body": ""}, "Write something"),
        ({"body": "x" * 5001}, "at most 5,000"),
        ({"email": "nope"}, "valid e-mail"),
        ({"name": "Admin"}, "reserved"),
        ({"website": "javascript:alert(1)"}, "https://"),
        ({"parent_id": "abc"}, "Reply to a comment"),
        ({"parent_id": "999999"}, "not here"),
        ({"homepage": "http://spam.example"}, "could not be posted"),
        ({"stamp": ""}, "could not be posted"),
        ({"stamp": "forged"}, "could not be posted"),
    ],
    ids=[
        "empty",
        "too-long",
        "bad-email",
        "reserved-name",
        "bad-website",
        "bad-parent",
        "missing-parent",
        "honeypot",
        "no-stamp",
        "forged-stamp",
    ],
)
def test_refused_post_explains_and_keeps_what_was_written(
    client, article, fields, message
):
    response = client.post(post_url(article), form(**fields))

    assert response.status_code == 400
    html = soup(response)
    assert message in html.select_one(".form-errors").get_text()
    if fields.get("body", None) != "" and "homepage" not in fields:
        assert html.select_one("textarea[name=body]") is not None
    assert Comment.objects.count() == 0
    assert not Thread.objects.filter(comment_count__gt=0).exists()


def test_form_filled_in_too_fast_is_refused(client, article):
    response = client.post(post_url(article), form(stamp=old_stamp(seconds=0)))

    assert response.status_code == 400
    assert Comment.objects.count() == 0


def test_posting_from_another_site_is_refused(client, article):
    response = client.post(
        post_url(article), form(), HTTP_ORIGIN="https://evil.example"
    )

    assert response.status_code == 403
    assert Comment.objects.count() == 0


def test_signed_in_reader_needs_the_csrf_token(article):
    from django.test import Client

    user = get_user_model().objects.create_user("rita", "r@example.org", "pw")
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)

    refused = client.post(post_url(article), form())
    page = client.get(article.url)
    token = soup(page).select_one("#comment-form input[name=csrfmiddlewaretoken]")[
        "value"
    ]
    accepted = client.post(post_url(article), form(csrfmiddlewaretoken=token))

    assert refused.status_code == 403
    assert accepted.status_code == 302
    assert Comment.objects.get().user == user


def test_closed_discussion_shows_comments_but_no_form(client, make_article, post):
    article = make_article("Closed one")
    post("Before closing", on=article)
    article.comments_closed = True
    article.save_revision().publish()

    html = soup(client.get(article.url))
    refused = client.post(post_url(article), form(body="After closing"))

    assert html.select_one("#comment-form") is None
    assert "This discussion is closed" in html.get_text()
    assert html.select_one(".comment__body").get_text(strip=True) == "Before closing"
    assert refused.status_code == 403
    assert Comment.objects.count() == 1


def test_comments_off_means_no_discussion_at_all(client, make_article):
    article = make_article("No comments here", comments_enabled=False)

    html = soup(client.get(article.url))
    refused = client.post(post_url(article), form())

    assert html.select_one("#comments") is None
    assert refused.status_code == 403
    assert Comment.objects.count() == 0


def test_unknown_article_is_404(client, article):
    response = client.post("/discussion/articles/999999/comments/", form())

    assert response.status_code == 404
    assert Comment.objects.count() == 0


def test_vote_without_javascript_toggles_and_redirects(client, post):
    comment = post()

    first = client.post(f"/discussion/comments/{comment.pk}/vote/", {"direction": "up"})
    comment.refresh_from_db()
    up_after_first = comment.up
    client.post(f"/discussion/comments/{comment.pk}/vote/", {"direction": "up"})
    comment.refresh_from_db()

    assert first.status_code == 302
    assert first["Location"].endswith(f"#comment-{comment.pk}")
    assert up_after_first == 1
    assert (comment.up, Vote.objects.count()) == (0, 0)


def test_vote_on_own_comment_is_refused(client, article):
    client.post(post_url(article), form())
    comment = Comment.objects.get()

    response = client.post(
        f"/discussion/comments/{comment.pk}/vote/", {"direction": "up"}
    )

    assert response.status_code == 403
    assert "own comment" in response.content.decode()
    comment.refresh_from_db()
    assert comment.up == 0


def test_sort_links_order_threads_and_are_remembered(client, article, post):
    old = post("Old and popular")
    new = post("New and ignored")
    for _ in range(3):
        from discussion import services

        services.cast_vote(comment_id=old.pk, reader=guest(), value=1)

    def order(response):
        return [
            int(li["data-comment-id"]) for li in soup(response).select(".comments > li")
        ]

    newest = client.get(article.url + "?sort=newest")
    remembered = client.get(article.url)
    votes = client.get(article.url + "?sort=votes")

    assert order(newest) == [new.pk, old.pk]
    assert newest.cookies["tribune_sort"].value == "newest"
    assert order(remembered) == [new.pk, old.pk]
    assert order(votes) == [old.pk, new.pk]


def test_large_discussion_pages_with_load_more_and_view_all(
    client, article, post, settings
):
    settings.DISCUSSION_PAGE_SIZE = 3
    roots = [post(f"Thread {n}") for n in range(7)]

    first = soup(client.get(article.url))
    more = first.select_one("[data-load-more]")
    second = soup(client.get(article.url + more["href"].split("#")[0]))
    everything = soup(client.get(article.url + "?all=1"))

    ids = [int(li["data-comment-id"]) for li in first.select(".comments > li")]
    assert ids == [c.pk for c in roots[:3]]
    assert [int(li["data-comment-id"]) for li in second.select(".comments > li")] == [
        c.pk for c in roots[3:6]
    ]
    assert len(everything.select(".comments > li")) == 7
    assert everything.select_one("[data-load-more]") is None
    assert first.select_one(".discussion__all a")["href"].endswith("all=1#comments")


def test_replies_beyond_the_preview_are_behind_view_more(
    client, article, post, settings
):
    settings.DISCUSSION_REPLIES_SHOWN = 2
    top = post("Top")
    replies = [post(f"Reply {n}", parent=top) for n in range(4)]

    page = soup(client.get(article.url))
    more = page.select_one(".comment__more-replies a")
    fragment = soup(client.get(more["data-more-replies"]))

    assert len(page.select(f"#comment-{top.pk} .replies > li")) == 2
    assert more.get_text() == "View 2 more replies"
    assert [int(li["data-comment-id"]) for li in fragment.select(".replies > li")] == [
        r.pk for r in replies
    ]


def test_permalink_opens_the_page_holding_a_far_comment(
    client, article, post, settings
):
    settings.DISCUSSION_PAGE_SIZE = 2
    roots = [post(f"Thread {n}") for n in range(6)]
    far_reply = post("Far away reply", parent=roots[5])

    response = client.get(f"/discussion/comments/{far_reply.pk}/")
    page = soup(client.get(response["Location"]))

    assert response.status_code == 302
    assert response["Location"].endswith(f"#comment-{far_reply.pk}")
    assert page.select_one(f"#comment-{far_reply.pk}") is not None
    assert "Back to the first comments" in page.get_text()


def test_deep_replies_flatten_with_in_reply_to(client, article, post, settings):
    settings.DISCUSSION_MAX_DEPTH = 3
    chain = [post("Level 0")]
    for level in range(1, 6):
        chain.append(post(f"Level {level}", parent=chain[-1], name=f"Person{level}"))

    page = soup(client.get(article.url + f"?thread={chain[0].pk}"))

    deepest = page.select_one(f"#comment-{chain[5].pk}")
    assert "comment--depth-3" in deepest["class"]
    assert deepest.select_one(".comment__in-reply").get_text(" ", strip=True) == (
        "in reply to @Person4"
    )
    assert len(page.select(".replies .replies .replies .replies")) == 0


def test_guest_edits_and_deletes_own_comment_without_javascript(client, article):
    client.post(post_url(article), form(body="Frist!"))
    comment = Comment.objects.get()

    edit_page = client.get(f"/discussion/comments/{comment.pk}/edit/")
    edited = client.post(f"/discussion/comments/{comment.pk}/edit/", {"body": "First!"})
    comment.refresh_from_db()
    after_edit = (comment.body_source, comment.edited_at is not None)
    deleted = client.post(f"/discussion/comments/{comment.pk}/delete/")

    assert edit_page.status_code == 200
    assert edited.status_code == 302
    assert after_edit == ("First!", True)
    assert deleted.status_code == 302
    assert Thread.objects.get().comment_count == 0


def test_stranger_cannot_open_edit_or_delete(client, post):
    comment = post("Someone else's")

    for action in ("edit", "delete"):
        response = client.get(f"/discussion/comments/{comment.pk}/{action}/")
        assert response.status_code == 403
    response = client.post(f"/discussion/comments/{comment.pk}/delete/")
    assert response.status_code == 403
    comment.refresh_from_db()
    assert not comment.is_deleted


def test_poll_answers_304_until_something_changes(client, article, post):
    url = f"/discussion/articles/{article.pk}/poll/"
    first = client.get(url)
    unchanged = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    post()
    changed = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])

    assert first.status_code == 200 and first.json() == {"version": 0, "count": 0}
    assert unchanged.status_code == 304
    assert changed.status_code == 200 and changed.json()["count"] == 1


def test_fetch_requests_get_fragments(client, article):
    response = client.post(post_url(article), form(), HTTP_X_REQUESTED_WITH="fetch")
    refused = client.post(
        post_url(article), form(body=""), HTTP_X_REQUESTED_WITH="fetch"
    )

    assert response.status_code == 201
    html = soup(response)
    assert html.select_one("li.comment .comment__author").get_text() == "Asher"
    assert html.find("html") is None
    assert refused.status_code == 400
    assert soup(refused).select_one("li[data-field=body]") is not None


def test_rate_limited_post_gets_429_with_retry_after(client, article, settings):
    settings.DISCUSSION_POST_RATE = (1, 60)
    client.post(post_url(article), form(body="One"))

    response = client.post(post_url(article), form(body="Two"))

    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 60
    assert Comment.objects.count() == 1


def test_anonymous_article_page_is_served_from_cache_and_refreshed_by_comments(
    client, article, post, django_capture_on_commit_callbacks
):
    first = client.get(article.url)
    second = client.get(article.url)
    with django_capture_on_commit_callbacks(execute=True):
        post("Fresh comment")
    third = client.get(article.url)

    assert first["X-Page-Cache"] == "miss"
    assert second["X-Page-Cache"] == "hit"
    assert "Fresh comment" in third.content.decode()
    assert second["Content-Security-Policy"]  # headers are fresh on cached pages


def test_member_page_is_never_cached_or_shown_to_others(client, article):
    from django.test import Client

    user = get_user_model().objects.create_user(
        "rita", "rita@example.org", "pw", display_name="Rita Reader"
    )
    member_client = Client()
    member_client.force_login(user)

    member_page = member_client.get(article.url)
    anonymous_page = client.get(article.url)

    assert "Commenting as" in member_page.content.decode()
    assert "Rita Reader" in member_page.content.decode()
    assert "X-Page-Cache" not in member_page
    assert "Rita Reader" not in anonymous_page.content.decode()
    assert "csrfmiddlewaretoken" not in anonymous_page.content.decode()


def test_staff_comments_are_marked(client, article):
    from discussion import services
    from discussion.tests.fixtures import member

    staff = get_user_model().objects.create_user(
        "ed", "ed@example.org", "pw", display_name="The Editor", is_staff=True
    )
    services.post_comment(article=article, reader=member(staff), body="Thanks all")

    node = soup(client.get(article.url)).select_one(".comments > li")

    assert node.select_one(".comment__author").get_text() == "The Editor"
    assert node.select_one(".badge").get_text() == "Staff"


def _member_client(username: str, **extra):
    from django.test import Client

    user = get_user_model().objects.create_user(
        username, f"{username}@example.org", "pw", **extra
    )
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    return client, user


def test_each_member_votes_with_their_own_token_from_a_kept_discussion(post):
    comment = post("Worth a vote")
    rita, _ = _member_client("rita")
    sam, _ = _member_client("sam")
    rita.get(comment.thread.article.url)  # the discussion is rendered and kept

    page = soup(sam.get(comment.thread.article.url))
    token = page.select_one(
        f"#comment-{comment.pk} form[data-vote-form] input[name=csrfmiddlewaretoken]"
    )["value"]
    voted = sam.post(
        f"/discussion/comments/{comment.pk}/vote/",
        {"direction": "up", "csrfmiddlewaretoken": token},
    )

    # Every form carries a token shaped as Django makes them; no slot is left.
    tokens = [i["value"] for i in page.select("input[name=csrfmiddlewaretoken]")]
    assert len(tokens) > 1
    assert all(re.fullmatch(r"[A-Za-z0-9]{64}", value) for value in tokens)
    assert not re.search(r"csrf-[0-9a-f]{32}", str(page))
    assert voted.status_code == 302
    comment.refresh_from_db()
    assert comment.up == 1


def test_kept_discussion_shows_new_votes_and_comments_to_members(
    post, django_capture_on_commit_callbacks
):
    from discussion import services

    comment = post("Worth a vote")
    rita, _ = _member_client("rita")
    url = comment.thread.article.url
    rita.get(url)
    with django_capture_on_commit_callbacks(execute=True):
        services.cast_vote(comment_id=comment.pk, reader=guest(), value=1)
        post("A later thought")

    page = soup(rita.get(url))

    assert (
        page.select_one(f"#comment-{comment.pk} [data-vote-count=up]").get_text() == "1"
    )
    assert "A later thought" in page.get_text()


def test_only_the_author_sees_edit_links_while_the_discussion_is_kept(
    article, django_capture_on_commit_callbacks
):
    rita, _ = _member_client("rita", display_name="Rita Reader")
    sam, _ = _member_client("sam")
    sam.get(article.url)  # kept before Rita comments
    token = soup(rita.get(article.url)).select_one(
        "#comment-form input[name=csrfmiddlewaretoken]"
    )["value"]
    with django_capture_on_commit_callbacks(execute=True):
        rita.post(post_url(article), form(body="Mine", csrfmiddlewaretoken=token))
    comment = Comment.objects.get()

    own = soup(rita.get(article.url)).select_one(f"#comment-{comment.pk}")
    other = soup(sam.get(article.url)).select_one(f"#comment-{comment.pk}")
    anonymous = soup(Client().get(article.url)).select_one(f"#comment-{comment.pk}")

    edit = f'a[href="/discussion/comments/{comment.pk}/edit/"]'
    assert own.select_one(edit) is not None
    assert other.select_one(edit) is None
    assert anonymous.select_one(edit) is None
    sams_form = soup(sam.get(article.url)).select_one("#comment-form").get_text()
    assert "Commenting as" in sams_form and "sam" in sams_form
    assert "Rita Reader" not in sams_form


def test_my_votes_tells_a_reader_only_their_own_votes(client, post):
    from discussion import services

    liked, disliked, untouched = post("One"), post("Two"), post("Three")
    client.post(f"/discussion/comments/{liked.pk}/vote/", {"direction": "up"})
    client.post(f"/discussion/comments/{disliked.pk}/vote/", {"direction": "down"})
    services.cast_vote(comment_id=untouched.pk, reader=guest(), value=1)  # someone else
    ids = f"{liked.pk},{disliked.pk},{untouched.pk},junk,-4,{'9' * 20}"

    mine = client.get(f"/discussion/my-votes/?ids={ids}")
    stranger = Client().get(f"/discussion/my-votes/?ids={ids}")

    assert mine.json() == {"votes": {str(liked.pk): 1, str(disliked.pk): -1}}
    assert mine["Cache-Control"] == "private, no-store"
    assert stranger.json() == {"votes": {}}
    assert not stranger.cookies  # asking does not make a reader
    assert Vote.objects.count() == 3


def test_a_members_token_never_lands_in_what_readers_wrote(client, post):
    post("[here](https://www.bbc.co.uk/?t=discussion-csrf-slot) csrf-slot <!--x-->")
    rita, _ = _member_client("rita")
    url = Comment.objects.get().thread.article.url
    client.get(url)  # kept by an anonymous reader first
    rita.get(url)

    page = soup(rita.get(url))
    token = page.select_one("#comment-form input[name=csrfmiddlewaretoken]")["value"]
    comment = page.select_one(".comments > li")

    assert token not in str(comment)
    assert comment.select_one(".comment__body a")["href"] == (
        "https://www.bbc.co.uk/?t=discussion-csrf-slot"
    )
    assert page.select_one("form#comment-form") is not None


def test_refused_post_names_the_fields_as_the_form_does(client, article):
    response = client.post(
        post_url(article),
        form(body="Hello", name="Admin", email="nope", website="javascript:x"),
    )

    assert response.status_code == 400
    html = soup(response)
    assert [li.get_text() for li in html.select(".form-errors li")] == [
        "Name: That name is reserved. Please choose another.",
        "E-mail: Enter a valid e-mail address.",
        "Website: Enter a full web address starting with http:// or https://.",
    ]
    labels = [
        html.select_one(f"label[for=retry-{field}]").get_text(" ", strip=True)
        for field in ("name", "email", "website")
    ]
    assert labels == ["Name", "E-mail", "Website (optional)"]
    for field in ("name", "email", "website"):
        node = html.select_one(f"#retry-{field}")
        assert node["aria-invalid"] == "true"
        assert node["aria-describedby"].split()[0] == f"retry-{field}-error"
        assert node.find_next_sibling(class_="field__error")["id"] == (
            f"retry-{field}-error"
        )
    assert html.select_one("#retry-email")["aria-describedby"].split() == [
        "retry-email-error",
        "retry-email-help",
    ]
    assert html.select_one("#retry-body").get("aria-invalid") is None
    assert html.select_one("#retry-body").get_text() == "Hello"
    # Like the form on the article, it leaves checking to the server, whose
    # messages are the ones shown (the browser's own would stop it being sent).
    assert html.select_one("form.comment-form").has_attr("novalidate")
    assert Comment.objects.count() == 0


def test_refused_body_is_called_your_comment_as_on_the_form(client, article):
    response = client.post(post_url(article), form(body=""))

    html = soup(response)
    assert html.select_one("label[for=retry-body]").get_text() == "Your comment"
    assert [li.get_text() for li in html.select(".form-errors li")] == [
        "Your comment: Write something before posting."
    ]
    assert "Body" not in html.get_text()
    assert html.select_one("#retry-body")["aria-describedby"] == "retry-body-error"
    assert Comment.objects.count() == 0
