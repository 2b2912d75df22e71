"""The article's rating in a real browser: by keyboard alone, without reloading."""

import pytest
from playwright.sync_api import expect

from ratings.models import Rating, RatingSummary

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def tab_to_the_stars(page, presses: int = 300) -> None:
    """Presses Tab, as a keyboard user does, until a star of the rating has focus."""
    for _ in range(presses):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.name") == "stars":
            return
    raise AssertionError("Tab never reached the rating")


def test_a_keyboard_reader_rates_without_reloading_and_the_choice_stays(
    page, live_server, article, rate
):
    rate(2)
    page.goto(live_server.url + article.url)
    page.evaluate("window.__marker = 'same page'")
    section = page.locator("#rating")
    expect(section.locator("[data-rating-count]")).to_have_text("1 vote")

    tab_to_the_stars(page)
    expect(page.locator("#rating-stars-1")).to_be_focused()
    focus_ring = page.locator("label[for=rating-stars-1]").evaluate(
        "label => getComputedStyle(label).outlineStyle"
    )
    for _ in range(3):
        page.keyboard.press("ArrowRight")
    expect(page.locator("#rating-stars-4")).to_be_focused()
    expect(page.locator("#rating-stars-4")).to_be_checked()
    page.keyboard.press("Tab")
    expect(section.get_by_role("button", name="Save rating")).to_be_focused()
    page.keyboard.press("Enter")

    expect(section.locator("[data-rating-count]")).to_have_text("2 votes")
    expect(section.locator("[data-rating-average]")).to_have_text("3.0")
    expect(section.get_by_role("status")).to_have_text(
        "Thank you: you gave this article 4 stars."
    )
    expect(section.get_by_role("button", name="Remove my rating")).to_be_visible()
    assert section.locator("[data-bar-count='4']").inner_text() == "1"
    assert page.evaluate("window.__marker") == "same page"  # never reloaded
    assert focus_ring == "solid"
    assert sorted(Rating.objects.values_list("stars", flat=True)) == [2, 4]
    assert RatingSummary.objects.get().total == 6

    page.reload()

    expect(page.locator("#rating-stars-4")).to_be_checked()
    expect(section.get_by_role("button", name="Remove my rating")).to_be_visible()
    expect(section.locator("[data-rating-count]")).to_have_text("2 votes")


def test_a_reader_changes_then_takes_back_their_rating_in_place(
    page, browser, live_server, article
):
    page.goto(live_server.url + article.url)
    page.evaluate("window.__marker = 'same page'")
    section = page.locator("#rating")

    page.locator("label[for=rating-stars-5]").click()
    section.get_by_role("button", name="Save rating").click()
    expect(section.locator("[data-rating-average]")).to_have_text("5.0")
    page.locator("label[for=rating-stars-3]").click()
    section.get_by_role("button", name="Save rating").click()
    expect(section.locator("[data-rating-average]")).to_have_text("3.0")
    section.get_by_role("button", name="Remove my rating").click()

    expect(section.locator("[data-rating-average]")).to_have_text("No ratings yet")
    expect(section.get_by_role("status")).to_have_text("Your rating was removed.")
    expect(section.get_by_role("button", name="Remove my rating")).to_be_hidden()
    expect(page.locator("#rating-stars-1")).to_be_focused()
    expect(section.locator("input[name=stars]:checked")).to_have_count(0)
    assert page.evaluate("window.__marker") == "same page"
    assert not Rating.objects.exists()
    other = browser.new_context().new_page()
    other.goto(live_server.url + article.url)
    other.wait_for_load_state("networkidle")
    expect(other.locator("#rating input[name=stars]:checked")).to_have_count(0)
    other.context.close()


def test_stars_picked_before_the_counts_arrive_are_kept(page, live_server, article):
    # given the counts come late (a slow connection)
    held = []

    def hold_the_first_read(route):
        if route.request.method == "GET" and not held:
            held.append(route)
        else:
            route.continue_()

    page.route("**/api/v1/articles/*/rating", hold_the_first_read)
    page.goto(live_server.url + article.url)
    section = page.locator("#rating")
    while not held:
        page.wait_for_timeout(50)

    # when the reader picks stars, then the counts arrive
    page.locator("label[for=rating-stars-4]").click()
    held[0].continue_()
    page.wait_for_load_state("networkidle")

    # then the stars they picked are still picked, and saving them works
    expect(page.locator("#rating-stars-4")).to_be_checked()
    section.get_by_role("button", name="Save rating").click()
    expect(section.locator("[data-rating-average]")).to_have_text("4.0")
    assert Rating.objects.get().stars == 4
