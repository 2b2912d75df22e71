"""The demo's flagship carries readers' ratings, loaded once however often the
loader runs."""

import io

import pytest
from bs4 import BeautifulSoup
from django.core.management import call_command

from demo import content as demo_content
from newsroom.models import ArticlePage
from ratings.models import Rating, RatingSummary

pytestmark = pytest.mark.django_db


def test_the_flagship_is_rated_once_however_often_the_demo_loads(
    client, settings, tmp_path
):
    settings.VAR_DIR = tmp_path
    call_command("load_demo_site", stdout=io.StringIO())
    call_command("load_demo_site", stdout=io.StringIO())

    flagship = ArticlePage.objects.get(slug=demo_content.ARTICLES[0]["slug"])
    stars = demo_content.RATINGS
    summary = RatingSummary.objects.get(article=flagship)
    assert Rating.objects.filter(article=flagship).count() == len(stars) >= 3
    assert (summary.count, summary.total) == (len(stars), sum(stars))
    section = BeautifulSoup(client.get(flagship.url).content, "html.parser")
    average = section.select_one("#rating [data-rating-average]").get_text()
    assert average == f"{sum(stars) / len(stars):.1f}"
    count = section.select_one("#rating [data-rating-count]").get_text()
    assert count == f"{len(stars)} votes"
