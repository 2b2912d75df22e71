"""A reader's over-long search, in a real browser, against a live server."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_pasted_wall_of_text_searches_without_widening_the_page(
    browser, live_server, home_page
):
    context = browser.new_context(viewport={"width": 375, "height": 800})
    page = context.new_page()
    try:
        response = page.goto(live_server.url + "/search/?q=" + "x" * 10_000)

        assert response.status == 200
        assert (
            page.locator(".search-summary")
            .inner_text()
            .startswith("0 results for “xxx")
        )
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - window.innerWidth"
        )
        assert overflow <= 0
    finally:
        context.close()
