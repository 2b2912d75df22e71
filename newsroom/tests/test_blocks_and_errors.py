"""Body blocks render safely; the error pages are the site's own."""

import pytest
from bs4 import BeautifulSoup
from django.test import RequestFactory
from wagtail.blocks import StructBlockValidationError

from newsroom.blocks import CallToActionBlock, EmbedBlock
from newsroom.tests.fixtures import make_image
from newsroom.views import server_error

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("url", "player"),
    [
        (
            "https://www.youtube.com/watch?v=dQw4w9WgXcQ&t=1",
            "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ",
        ),
        (
            "https://youtu.be/dQw4w9WgXcQ",
            "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ",
        ),
        ("https://vimeo.com/76979871", "https://player.vimeo.com/video/76979871?dnt=1"),
        ("https://example.org/a-report", ""),
        ("https://www.youtube.com/watch?v=<script>", ""),
        ("https://evil.example/youtube.com/watch?v=dQw4w9WgXcQ", ""),
    ],
    ids=["youtube", "youtu.be", "vimeo", "other", "bad-id", "look-alike-host"],
)
def test_embeds_play_only_in_privacy_players(url, player):
    block = EmbedBlock()
    value = block.to_python({"url": url, "title": "A <b>video</b>", "caption": ""})

    html = BeautifulSoup(block.render(value), "html.parser")

    if player:
        assert html.iframe["src"] == player
        assert html.iframe["title"] == "A <b>video</b>"
        assert html.iframe["loading"] == "lazy"
    else:
        assert html.iframe is None
        assert html.a["href"] == url
        assert html.b is None  # the title is text, not markup


@pytest.mark.parametrize(
    ("link", "ok"),
    [
        ("/feed/", True),
        ("https://example.org/x", True),
        ("javascript:alert(1)", False),
        ("data:text/html,hi", False),
        ("example.org", False),
    ],
)
def test_call_to_action_links_must_be_site_paths_or_http(link, ok):
    block = CallToActionBlock()
    value = block.to_python(
        {"title": "Subscribe", "text": "", "link_text": "Go", "link_url": link}
    )

    if ok:
        assert block.clean(value)["link_url"] == link
    else:
        with pytest.raises(StructBlockValidationError):
            block.clean(value)


def test_body_image_uses_its_alt_text_and_caption(client, make_article):
    image = make_image(description="Own description")
    article = make_article(
        body=[
            (
                "image",
                {
                    "image": image,
                    "alt": "",
                    "caption": "A caption",
                    "credit": "Photo: X",
                },
            ),
            (
                "image",
                {"image": image, "alt": "Editor's alt", "caption": "", "credit": ""},
            ),
        ]
    )

    html = BeautifulSoup(client.get(article.url).content, "html.parser")
    figures = html.select(".article__body figure.figure")

    assert [f.img["alt"] for f in figures] == ["Own description", "Editor's alt"]
    assert figures[0].figcaption.get_text() == "A caption · Photo: X"
    assert figures[1].figcaption is None


def test_server_error_page_is_styled_and_needs_no_database(django_assert_num_queries):
    request = RequestFactory().get("/broken/")

    with django_assert_num_queries(0):
        response = server_error(request)

    assert response.status_code == 500
    html = BeautifulSoup(response.content, "html.parser")
    assert html.h1.get_text() == "Something went wrong on our side"
    assert html.find("link", rel="stylesheet")["href"].endswith("css/site.css")


def test_logo_shows_in_the_header_when_set(client, home_page):
    from wagtail.models import Site

    from newsroom.models import SiteSettings

    site_settings = SiteSettings.for_site(Site.objects.get(is_default_site=True))
    site_settings.logo = make_image(title="Logo")
    site_settings.save()

    html = BeautifulSoup(client.get("/").content, "html.parser")

    logo = html.select_one(".brand img.brand__logo")
    assert logo is not None and logo["alt"] == ""
    assert html.select_one(".brand__name").get_text() == "Global News"
