"""What a reader sees on the home, section, article, author and tag pages."""

from datetime import timedelta

import pytest
from bs4 import BeautifulSoup
from django.utils import timezone

from newsroom.models import ArticlePage
from newsroom.tests.fixtures import headings, make_section, paragraphs

pytestmark = pytest.mark.django_db


def soup(response) -> BeautifulSoup:
    return BeautifulSoup(response.content, "html.parser")


def test_home_leads_with_newest_and_lists_sections(client, home_page, make_article):
    security = make_section(home_page, "Security")
    old = make_article("An older analysis", days_ago=5)
    new = make_article("Fresh security report", parent=security, days_ago=1)

    html = soup(client.get("/"))

    lead = html.select_one(".front__lead .card__title a")
    assert lead.get_text() == new.title
    assert lead["href"] == new.url
    assert old.title in [
        a.get_text() for a in html.select(".front__latest .card__title a")
    ]
    nav = [a.get_text() for a in html.select(".site-nav a")]
    assert nav == ["Home", "Analysis", "Security"]
    assert html.select_one(".brand__name").get_text() == "Global News"
    assert html.select_one(".brand__tagline").get_text() == "Redeem the Oppressed"
    assert html.title.get_text() == "Global News – Redeem the Oppressed"


def test_home_lead_story_chosen_by_editor(client, home_page, make_article):
    chosen = make_article("The chosen one", days_ago=9)
    make_article("Newer but not chosen", days_ago=1)
    home_page.lead_story = chosen
    home_page.save_revision().publish()

    html = soup(client.get("/"))

    assert html.select_one(".front__lead .card__title").get_text() == "The chosen one"


def test_section_lists_its_articles_newest_first_and_paginates(
    client, settings, section, make_article
):
    settings.NEWSROOM_PAGE_SIZE = 2
    titles = [make_article(f"Story {i}", days_ago=i).title for i in range(1, 4)]

    first = soup(client.get(section.url))
    second = soup(client.get(section.url + "?page=2"))

    assert [
        a.get_text() for a in first.select(".article-list .card__title a")
    ] == titles[:2]
    assert [a.get_text() for a in second.select(".article-list .card__title a")] == [
        titles[2]
    ]
    assert first.select_one("a[rel=next]")["href"] == "?page=2"
    assert first.h1.get_text() == "Analysis"


@pytest.mark.parametrize("page", ["0", "99", "abc", "-1", "1.5"])
def test_section_bad_page_number_is_styled_404(client, section, make_article, page):
    make_article()

    response = client.get(section.url, {"page": page})

    assert response.status_code == 404
    assert "couldn’t find that page" in response.content.decode()


def test_article_page_shows_every_element(client, make_article, author):
    article = make_article(
        "A critical analysis",
        body=[
            *headings("Emergence and denials", "Connections and claims", "Conclusion"),
            ("quote", {"text": "We saw it coming.", "attribution": "A witness"}),
            (
                "cta",
                {
                    "title": "Stay informed",
                    "text": "Follow our feed.",
                    "link_text": "Subscribe",
                    "link_url": "/feed/",
                },
            ),
        ],
        image=True,
        featured_image_alt="Students gathered outside a school",
        featured_image_caption="Students at a rally.",
        featured_image_credit="Photo: A. Person",
        source_name="Partner Centre",
        source_url="https://example.org/original",
        tags=["extremism", "south asia"],
    )

    response = client.get(article.url)
    html = soup(response)

    assert response.status_code == 200
    node = html.select_one("article.article")
    assert node["data-article-id"] == str(article.pk)
    assert html.h1.get_text() == "A critical analysis"
    assert html.select_one(".article__standfirst").get_text() == article.standfirst
    byline = html.select_one(".article__header .byline")
    assert "By Ada Quill" in byline.get_text()
    assert "min read" in byline.get_text()
    assert byline.time["datetime"] == article.first_published_at.strftime(
        "%Y-%m-%dT%H:%M:%S+0000"
    )
    figure = html.select_one(".article__figure")
    assert figure.img["alt"] == "Students gathered outside a school"
    assert figure.img["srcset"].count("w,") >= 3  # several responsive sizes
    assert figure.figcaption.get_text() == "Students at a rally. · Photo: A. Person"
    assert figure.select_one(".credit").get_text() == "Photo: A. Person"
    toc = [(a["href"], a.get_text()) for a in html.select(".toc a")]
    assert toc == [
        ("#emergence-and-denials", "Emergence and denials"),
        ("#connections-and-claims", "Connections and claims"),
        ("#conclusion", "Conclusion"),
    ]
    assert [h["id"] for h in html.select(".article__body h2")] == [
        "emergence-and-denials",
        "connections-and-claims",
        "conclusion",
    ]
    assert (
        html.select_one(".quote blockquote").get_text(strip=True) == "We saw it coming."
    )
    assert html.select_one(".cta a")["href"] == "/feed/"
    source = html.select_one(".source a")
    assert (source.get_text(), source["href"]) == (
        "Partner Centre",
        "https://example.org/original",
    )
    box = html.select_one(".author-box")
    assert box.select_one(".author-box__name a")["href"] == "/authors/ada-quill/"
    assert "also known as The Owl" in box.get_text()
    assert "Ada covers security policy" in box.get_text()
    assert [a.get_text() for a in html.select(".tags a")] == ["extremism", "south asia"]
    assert (
        html.select_one("link[rel=canonical]")["href"]
        == "http://testserver" + article.url
    )


@pytest.mark.parametrize(
    ("caption", "credit", "shown"),
    [
        (
            "Students at a rally",
            "Photo: A. Person",
            "Students at a rally · Photo: A. Person",
        ),
        ("Students at a rally", "", "Students at a rally"),
        ("", "Photo: A. Person", "Photo: A. Person"),
        ("", "", None),
    ],
    ids=["both", "caption-only", "credit-only", "neither"],
)
def test_featured_image_caption_and_credit_are_set_apart(
    client, make_article, caption, credit, shown
):
    article = make_article(
        image=True, featured_image_caption=caption, featured_image_credit=credit
    )

    figcaption = soup(client.get(article.url)).select_one(".article__figure figcaption")

    assert (figcaption and figcaption.get_text()) == shown


def test_toc_only_from_three_headings(client, make_article):
    article = make_article(body=headings("One", "Two"))

    html = soup(client.get(article.url))

    assert html.select_one(".toc") is None
    assert len(html.select(".article__body h2")) == 2


def test_duplicate_headings_get_distinct_anchors(client, make_article):
    article = make_article(body=headings("Background", "Background", "Background"))

    html = soup(client.get(article.url))

    assert [h["id"] for h in html.select(".article__body h2")] == [
        "background",
        "background-2",
        "background-3",
    ]


def test_reading_time_grows_with_length(client, make_article):
    short = make_article(body=paragraphs(1, words=100))
    long = make_article(body=paragraphs(10, words=230))

    assert short.reading_minutes == 1
    assert long.reading_minutes == 11


def test_related_articles_prefer_shared_tags(client, make_article):
    article = make_article("Main", tags=["sahel", "kidnap"])
    both = make_article("Shares two tags", tags=["sahel", "kidnap"], days_ago=9)
    one = make_article("Shares one tag", tags=["sahel"], days_ago=2)
    make_article("Draft sharing tags", tags=["sahel", "kidnap"], publish=False)

    html = soup(client.get(article.url))

    related = [a.get_text() for a in html.select(".related .card__title a")]
    assert related[:2] == [both.title, one.title]
    assert "Draft sharing tags" not in related
    assert "Main" not in related


def test_author_page_lists_only_their_published_articles(
    client, make_article, author, db
):
    from newsroom.models import Author

    other = Author.objects.create(name="Ben Other", slug="ben-other")
    mine = make_article("Mine")
    make_article("Theirs", authors=[other])
    make_article("My draft", publish=False)

    html = soup(client.get("/authors/ada-quill/"))

    assert html.h1.get_text() == "Ada Quill"
    assert [a.get_text() for a in html.select(".article-list .card__title a")] == [
        mine.title
    ]
    assert "Ada covers security policy" in html.get_text()
    # The name is the page's heading, and not said again by the box about them.
    box = html.select_one(".author-box")
    assert "Ada Quill" not in box.get_text()
    assert box.select("h2, a[href='/authors/ada-quill/']") == []


def test_tag_page_lists_tagged_articles(client, make_article):
    tagged = make_article("Tagged one", tags=["religious freedom"])
    make_article("Untagged")

    response = client.get("/tags/religious-freedom/")
    html = soup(response)

    assert html.h1.get_text() == "religious freedom"
    assert [a.get_text() for a in html.select(".article-list .card__title a")] == [
        tagged.title
    ]


def test_tag_used_only_by_drafts_is_404(client, make_article):
    make_article("Secret plan", tags=["embargoed"], publish=False)

    assert client.get("/tags/embargoed/").status_code == 404


@pytest.mark.parametrize(
    "path",
    [
        "/analysis/no-such-article/",
        "/no-such-section/",
        "/authors/nobody/",
        "/tags/nothing/",
        "/analysis/feed/nope/",
    ],
)
def test_unknown_urls_give_the_styled_404(client, section, path):
    response = client.get(path)

    assert response.status_code == 404
    html = soup(response)
    assert html.h1.get_text() == "We couldn’t find that page"
    assert html.select_one(".brand__name").get_text() == "Global News"
    # A missing page is nobody's canonical address, nor anything to share.
    assert html.select("link[rel=canonical], meta[property='og:url']") == []
    assert html.select_one("meta[name=robots]")["content"] == "noindex"


@pytest.mark.tasks  # indexed for search, so search could show them
def test_draft_scheduled_and_private_articles_never_show(
    client, section, make_article, private_article
):
    live = make_article("Live story")
    draft = make_article("Draft story", publish=False)
    scheduled = make_article("Scheduled story", publish=False)
    scheduled.go_live_at = timezone.now() + timedelta(days=1)
    scheduled.save_revision().publish()  # Wagtail keeps it unpublished until then
    scheduled.refresh_from_db()
    assert not scheduled.live

    for hidden in (draft, scheduled):
        url = section.url + hidden.slug + "/"
        assert client.get(url).status_code == 404
    assert client.get(private_article.url).status_code == 200  # the password form
    assert private_article.title not in client.get(private_article.url).content.decode()

    for path in [
        "/",
        section.url,
        "/feed/",
        "/feed/atom/",
        "/sitemap.xml",
        "/authors/ada-quill/",
        section.url + "feed/",
        "/search/?q=story",
    ]:
        text = client.get(path).content.decode()
        assert live.title in text or path == "/sitemap.xml", path
        for hidden in ("Draft story", "Scheduled story", "Members only briefing"):
            assert hidden not in text, (path, hidden)
    sitemap = client.get("/sitemap.xml").content.decode()
    assert live.slug in sitemap
    for hidden in (draft, scheduled, private_article):
        assert hidden.slug not in sitemap


def test_unpublished_article_is_404_after_unpublish(
    client, make_article, django_capture_on_commit_callbacks
):
    article = make_article("Pulled story")
    url = article.url
    assert client.get(url).status_code == 200

    with django_capture_on_commit_callbacks(execute=True):  # cached pages go on commit
        article.unpublish()

    assert client.get(url).status_code == 404
    assert "Pulled story" not in client.get("/").content.decode()
    assert ArticlePage.objects.filter(pk=article.pk).exists()  # kept for editors
