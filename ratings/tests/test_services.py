"""rate_article and remove_rating: one rating per reader, exact counters, refusals
that store nothing."""

import pytest
from django.contrib.auth import get_user_model

from ratings import services
from ratings.models import Rating, RatingSummary
from ratings.tests.fixtures import rater, rating_member

pytestmark = pytest.mark.django_db


def summary_of(article) -> tuple:
    row = RatingSummary.objects.get(article_id=article.pk)
    return row.count, row.total, tuple(row.distribution.values())


def nothing_stored() -> bool:
    return not Rating.objects.exists() and not RatingSummary.objects.exists()


def test_a_first_rating_is_stored_and_counted(article):
    reader = rater()

    tally = services.rate_article(article_id=article.pk, reader=reader, stars=4)

    rating = Rating.objects.get()
    assert (rating.article_id, rating.reader_key, rating.stars) == (
        article.pk,
        reader.key,
        4,
    )
    assert rating.ip_hash == reader.ip_hash
    assert summary_of(article) == (1, 4, (0, 0, 0, 1, 0))
    assert (tally.count, tally.total, tally.average, tally.mine) == (1, 4, 4.0, 4)
    assert tally.distribution == (0, 0, 0, 1, 0)


def test_several_readers_make_the_average(article, rate):
    for stars in (5, 4, 5, 3, 4, 5, 4):
        tally = rate(stars)

    assert summary_of(article) == (7, 30, (0, 0, 1, 3, 3))
    assert tally.average == pytest.approx(30 / 7)
    assert tally.mine == 4


def test_a_reader_changes_their_rating_instead_of_adding_one(article, rate):
    reader = rater()
    rate(2, reader=reader)
    rate(5)

    tally = rate(4, reader=reader)

    assert Rating.objects.count() == 2
    assert Rating.objects.get(reader_key=reader.key).stars == 4
    assert summary_of(article) == (2, 9, (0, 0, 0, 1, 1))
    assert (tally.count, tally.mine) == (2, 4)


def test_the_same_rating_again_changes_nothing(article, rate):
    reader = rater()
    rate(3, reader=reader)

    tally = rate(3, reader=reader)

    assert Rating.objects.count() == 1
    assert summary_of(article) == (1, 3, (0, 0, 1, 0, 0))
    assert tally.mine == 3


def test_a_reader_takes_their_rating_back(article, rate):
    reader = rater()
    rate(2, reader=reader)
    rate(5)

    tally = services.remove_rating(article_id=article.pk, reader=reader)
    again = services.remove_rating(article_id=article.pk, reader=reader)

    assert list(Rating.objects.values_list("stars", flat=True)) == [5]
    assert summary_of(article) == (1, 5, (0, 0, 0, 0, 1))
    assert (tally.count, tally.total, tally.mine) == (1, 5, None)
    assert again == tally


def test_taking_back_a_rating_never_given_stores_nothing(article):
    tally = services.remove_rating(article_id=article.pk, reader=rater())

    assert (tally.count, tally.average, tally.mine) == (0, None, None)
    assert nothing_stored()


def test_the_last_rating_taken_back_leaves_an_empty_tally(article, rate):
    reader = rater()
    rate(1, reader=reader)

    services.remove_rating(article_id=article.pk, reader=reader)
    tally = services.tally(article_id=article.pk, reader_key=reader.key)

    assert summary_of(article) == (0, 0, (0, 0, 0, 0, 0))
    assert (tally.count, tally.average, tally.mine) == (0, None, None)


def test_tally_tells_each_reader_their_own(article, rate):
    first, second = rater(), rater()
    rate(5, reader=first)
    rate(2, reader=second)

    assert services.tally(article_id=article.pk, reader_key=first.key).mine == 5
    assert services.tally(article_id=article.pk, reader_key=second.key).mine == 2
    assert services.tally(article_id=article.pk).mine is None
    assert services.tally(article_id=article.pk).count == 2


@pytest.mark.parametrize(
    "stars",
    [0, 6, -1, 100, 3.5, 4.0, "3", True, None],
    ids=["zero", "six", "negative", "hundred", "half", "float", "text", "bool", "none"],
)
def test_stars_outside_1_to_5_or_not_whole_numbers_are_refused(article, stars):
    with pytest.raises(services.InvalidRating) as refused:
        services.rate_article(article_id=article.pk, reader=rater(), stars=stars)

    assert refused.value.errors == {"stars": "Choose from 1 to 5 stars."}
    assert refused.value.status == 400
    assert nothing_stored()


def test_ratings_off_for_the_article_are_refused(make_article):
    article = make_article("Not for rating", rating_enabled=False)

    for attempt in (
        lambda: services.rate_article(article_id=article.pk, reader=rater(), stars=5),
        lambda: services.remove_rating(article_id=article.pk, reader=rater()),
    ):
        with pytest.raises(services.NotAllowed) as refused:
            attempt()
        assert refused.value.errors == {"__all__": "Ratings are off for this article."}
    assert nothing_stored()


@pytest.mark.parametrize("kind", ["unknown", "draft", "private"])
def test_only_live_public_articles_can_be_rated(make_article, private_article, kind):
    article_id = {
        "unknown": 999_999,
        "draft": lambda: make_article("Draft", publish=False).pk,
        "private": lambda: private_article.pk,
    }[kind]
    article_id = article_id() if callable(article_id) else article_id

    with pytest.raises(services.NotFound) as refused:
        services.rate_article(article_id=article_id, reader=rater(), stars=5)

    assert refused.value.status == 404
    assert nothing_stored()


def test_an_author_cannot_rate_their_own_article(make_article, author):
    users = get_user_model().objects
    account = users.create_user("ada", "ada@example.org", "pw")
    author.user = account
    author.save()
    article = make_article("By Ada")
    colleague = users.create_user("bo", "bo@example.org", "pw")

    with pytest.raises(services.NotAllowed) as refused:
        services.rate_article(
            article_id=article.pk, reader=rating_member(account), stars=5
        )
    services.rate_article(
        article_id=article.pk, reader=rating_member(colleague), stars=4
    )

    assert refused.value.errors == {
        "__all__": "You wrote this article, so you cannot rate it."
    }
    assert list(Rating.objects.values_list("reader_key", flat=True)) == [
        f"u:{colleague.pk}"
    ]


def test_linking_an_author_to_an_account_applies_at_once(
    make_article, author, django_capture_on_commit_callbacks
):
    account = get_user_model().objects.create_user("ada", "ada@example.org", "pw")
    article = make_article("By Ada")
    services.rate_article(article_id=article.pk, reader=rating_member(account), stars=5)

    with django_capture_on_commit_callbacks(execute=True):
        author.user = account
        author.save()

    with pytest.raises(services.NotAllowed):
        services.rate_article(
            article_id=article.pk, reader=rating_member(account), stars=4
        )
    assert Rating.objects.get().stars == 5


def test_ratings_are_rate_limited_per_reader(article, settings):
    settings.RATINGS_PER_MINUTE = 2
    reader = rater()
    services.rate_article(article_id=article.pk, reader=reader, stars=1)
    services.rate_article(article_id=article.pk, reader=reader, stars=2)

    with pytest.raises(services.RateLimited) as refused:
        services.rate_article(article_id=article.pk, reader=reader, stars=3)

    assert refused.value.status == 429
    assert 1 <= refused.value.retry_after <= 60
    assert Rating.objects.get().stars == 2
    services.rate_article(article_id=article.pk, reader=rater(), stars=5)  # others may


def test_a_refused_rating_costs_no_rate_limit(article, settings):
    settings.RATINGS_PER_MINUTE = 1
    reader = rater()
    with pytest.raises(services.InvalidRating):
        services.rate_article(article_id=article.pk, reader=reader, stars=9)

    services.rate_article(article_id=article.pk, reader=reader, stars=4)

    assert Rating.objects.get().stars == 4


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
    from discussion.readers import Reader

    settings.RATINGS_PER_MINUTE_PER_IP = 1

    def reader(ip):
        request = rf.post("/", REMOTE_ADDR=ip)
        request.user = type("Anonymous", (), {"is_authenticated": False})()
        return Reader.from_request(request)

    a, b = reader(first), reader(second)
    services.rate_article(article_id=article.pk, reader=a, stars=5)

    if shared:
        with pytest.raises(services.RateLimited):
            services.rate_article(article_id=article.pk, reader=b, stars=1)
    else:
        services.rate_article(article_id=article.pk, reader=b, stars=1)
    assert Rating.objects.count() == (1 if shared else 2)
