"""What a change in a discussion does to the cached pages of anonymous readers."""

import pytest
from django.test import Client

from discussion import services
from discussion.readers import Reader
from discussion.tests.fixtures import guest

pytestmark = pytest.mark.django_db


def test_a_vote_refreshes_its_article_but_leaves_every_listing_cached(
    client, article, post, django_capture_on_commit_callbacks
):
    comment = post("Worth a vote")
    client.get("/"), client.get(article.url), client.get(article.section.url)

    with django_capture_on_commit_callbacks(execute=True):
        services.cast_vote(comment_id=comment.pk, reader=guest(), value=1)

    assert client.get("/")["X-Page-Cache"] == "hit"
    assert client.get(article.section.url)["X-Page-Cache"] == "hit"
    page = client.get(article.url)
    assert page["X-Page-Cache"] == "miss"
    assert "Vote up, 1 up vote" in page.content.decode()


def test_a_comment_refreshes_the_listings_that_count_it(
    client, article, post, django_capture_on_commit_callbacks
):
    client.get("/")

    with django_capture_on_commit_callbacks(execute=True):
        post("First!")

    home = client.get("/")
    assert home["X-Page-Cache"] == "miss"
    assert "1 comment" in home.content.decode()


def test_a_vote_leaves_other_articles_cached(
    client, make_article, post, django_capture_on_commit_callbacks
):
    other = make_article("Another story")
    comment = post("Worth a vote")
    client.get(other.url)

    with django_capture_on_commit_callbacks(execute=True):
        services.cast_vote(comment_id=comment.pk, reader=guest(), value=1)

    assert client.get(other.url)["X-Page-Cache"] == "hit"


@pytest.mark.parametrize(
    ("first", "second", "shared"),
    [
        ("2001:db8:1:2::1", "2001:db8:1:2:ffff::9", True),
        ("2001:db8:1:2::1", "2001:db8:1:3::1", False),
        ("203.0.113.9", "203.0.113.10", False),
    ],
    ids=["same-ipv6-64", "other-ipv6-64", "ipv4-addresses"],
)
def test_per_ip_limits_count_an_ipv6_64_as_one_client(
    rf, article, settings, first, second, shared
):
    settings.DISCUSSION_POST_RATE_PER_IP = (1, 60)

    def reader(ip):
        request = rf.post("/", REMOTE_ADDR=ip)
        request.user = type("Anonymous", (), {"is_authenticated": False})()
        return Reader.from_request(request)

    a, b = reader(first), reader(second)
    services.post_comment(
        article=article, reader=a, body="One", name="Ann", email="a@b.org"
    )

    assert a.ip_hash != b.ip_hash  # each address is still stored as itself
    if shared:
        with pytest.raises(services.RateLimited):
            services.post_comment(
                article=article, reader=b, body="Two", name="Bo", email="b@b.org"
            )
    else:
        services.post_comment(
            article=article, reader=b, body="Two", name="Bo", email="b@b.org"
        )
    assert article.discussion_thread.comment_count == (1 if shared else 2)


def test_a_page_rendered_while_a_change_commits_is_not_kept(
    article, monkeypatch, django_capture_on_commit_callbacks
):
    from newsroom.models import ArticlePage
    from newsroom.services import content_changed

    client = Client()
    render = ArticlePage.get_context

    def change_commits_meanwhile(self, request, *args, **kwargs):
        context = render(self, request, *args, **kwargs)
        with django_capture_on_commit_callbacks(execute=True):
            content_changed()  # another request's change commits mid-render
        return context

    monkeypatch.setattr(ArticlePage, "get_context", change_commits_meanwhile)
    first = client.get(article.url)
    monkeypatch.undo()
    second = client.get(article.url)
    third = client.get(article.url)

    assert first["X-Page-Cache"] == "miss"
    # The page read before the change is never served after it.
    assert second["X-Page-Cache"] == "miss"
    assert third["X-Page-Cache"] == "hit"
