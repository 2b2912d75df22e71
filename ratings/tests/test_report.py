"""The editors' Article ratings report: sortable, and exported as CSV and XLSX."""

import csv
import io

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth import get_user_model
from openpyxl import load_workbook

pytestmark = pytest.mark.django_db

REPORT = "/admin/reports/article-ratings/"


@pytest.fixture
def editor(client):
    user = get_user_model().objects.create_superuser("ed", "ed@example.org", "pw")
    client.force_login(user)
    return client


@pytest.fixture
def rated(make_article, rate):
    """Three articles: two rated (one better, one more often), one not."""
    loved = make_article("Loved by a few")
    busy = make_article("Rated by many")
    make_article("Never rated")
    for stars in (5, 5):
        rate(stars, on=loved)
    for stars in (1, 2, 3, 4, 4):
        rate(stars, on=busy)
    return loved, busy


def rows(response) -> list[list[str]]:
    table = BeautifulSoup(response.content, "html.parser").select_one("table")
    return [
        [" ".join(cell.get_text().split()) for cell in row.select("td")]
        for row in table.select("tbody tr")
    ]


def test_the_report_lists_rated_articles_with_counts_average_and_spread(editor, rated):
    response = editor.get(REPORT)

    assert response.status_code == 200
    header = BeautifulSoup(response.content, "html.parser").select("thead th")
    assert [" ".join(th.get_text().split()) for th in header] == [
        "Article",
        "Published",
        "Ratings",
        "Average",
        "5 ★",
        "4 ★",
        "3 ★",
        "2 ★",
        "1 ★",
    ]
    table = rows(response)
    assert [row[0] for row in table] == ["Rated by many", "Loved by a few"]
    assert [row[2:] for row in table] == [
        ["5", "2.80", "0", "2", "1", "1", "1"],
        ["2", "5.00", "2", "0", "0", "0", "0"],
    ]
    assert "2 rated articles" in response.content.decode()


def test_an_empty_report_says_so(editor, article):
    response = editor.get(REPORT)

    assert response.status_code == 200
    assert "There are no rated articles to display." in response.content.decode()


@pytest.mark.parametrize(
    ("ordering", "first"),
    [
        ("-count", "Rated by many"),
        ("count", "Loved by a few"),
        ("-average_stars", "Loved by a few"),
        ("average_stars", "Rated by many"),
        ("-stars_4", "Rated by many"),
        ("article__title", "Loved by a few"),
    ],
)
def test_the_report_sorts_by_any_column(editor, rated, ordering, first):
    response = editor.get(REPORT, {"ordering": ordering})

    assert rows(response)[0][0] == first


def test_the_report_downloads_as_csv(editor, rated):
    response = editor.get(REPORT, {"export": "csv", "ordering": "-count"})

    assert response["Content-Type"].startswith("text/csv")
    assert "article-ratings.csv" in response["Content-Disposition"]
    text = b"".join(response.streaming_content).decode()
    table = list(csv.reader(io.StringIO(text)))
    assert table[0] == [
        "Article",
        "Path",
        "Published",
        "Ratings",
        "Average",
        "5 stars",
        "4 stars",
        "3 stars",
        "2 stars",
        "1 star",
    ]
    assert table[1][0] == "Rated by many"
    assert table[1][3:] == ["5", "2.8", "0", "2", "1", "1", "1"]
    assert table[2][3:] == ["2", "5.0", "2", "0", "0", "0", "0"]


def test_the_report_downloads_as_xlsx(editor, rated):
    response = editor.get(REPORT, {"export": "xlsx", "ordering": "-count"})

    assert "article-ratings.xlsx" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values[0][0] == "Article" and values[0][3:5] == ["Ratings", "Average"]
    assert values[1][0] == "Rated by many"
    assert values[1][3:] == [5, 2.8, 0, 2, 1, 1, 1]


def test_the_report_is_in_the_reports_menu(editor, rated):
    dashboard = editor.get("/admin/").content.decode()

    assert REPORT in dashboard
    assert "Article ratings" in dashboard


def test_readers_without_page_rights_cannot_open_the_report(client, rated):
    user = get_user_model().objects.create_user("rita", "rita@example.org", "pw")
    client.force_login(user)

    response = client.get(REPORT)

    assert response.status_code in (302, 403)
    assert "Rated by many" not in response.content.decode()
