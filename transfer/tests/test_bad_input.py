"""Files that cannot be imported are refused with a clear message, and nothing
is stored."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from discussion.models import Comment
from newsroom.models import ArticlePage, Author
from transfer.models import Imported

GOOD = (Path(__file__).parent / "data" / "wpdiscuz.xml").read_text()

BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<rss><channel><title>&lol3;</title></channel></rss>
"""
EXTERNAL_ENTITY = """<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<rss><channel><title>&secret;</title></channel></rss>
"""
EXTERNAL_DTD = """<?xml version="1.0"?>
<!DOCTYPE rss SYSTEM "http://127.0.0.1:9/evil.dtd">
<rss><channel><title>x</title></channel></rss>
"""


def stored() -> tuple:
    return (
        ArticlePage.objects.count(),
        Comment.objects.count(),
        Author.objects.count(),
        Imported.objects.count(),
    )


CASES = {
    "truncated": (GOOD[: len(GOOD) // 2], "not well-formed XML at line"),
    "malformed at the end": (
        GOOD.replace("</channel>", "</chanel>"),
        "not well-formed XML at line",
    ),
    "billion laughs": (BILLION_LAUGHS, "refused: the file declares a document type"),
    "external entity": (EXTERNAL_ENTITY, "refused: the file declares a document type"),
    "external DTD": (EXTERNAL_DTD, "refused: the file declares a document type"),
    "an RSS feed": (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Feed</title>'
        "<item><title>a</title></item></channel></rss>",
        "not a WordPress export (WXR)",
    ),
    "another XML document": (
        '<?xml version="1.0"?><disqus><thread/></disqus>',
        "not a WordPress export (WXR): the document is <disqus>",
    ),
    "empty": ("", "not well-formed XML at line 1"),
    "not XML": ("just some text\n", "not well-formed XML at line 1, column 1"),
}


@pytest.mark.parametrize(("content", "message"), list(CASES.values()), ids=list(CASES))
def test_a_bad_file_is_refused_and_nothing_is_stored(
    home_page, tmp_path, content, message
):
    path = tmp_path / "export.xml"
    path.write_text(content)
    before = stored()
    with pytest.raises(CommandError) as refused:
        call_command("import_wordpress", str(path), "--no-progress")
    assert message in str(refused.value)
    assert stored() == before
    assert ArticlePage.objects.count() == 0


def test_a_truncated_file_says_where(home_page, tmp_path):
    path = tmp_path / "export.xml"
    path.write_text("<rss>\n<channel>\n<title>x</title>\n<item>\n")
    with pytest.raises(CommandError) as refused:
        call_command("import_wordpress", str(path), "--no-progress")
    assert "line 5, column 1" in str(refused.value)


def test_a_missing_file_is_refused(home_page, tmp_path):
    with pytest.raises(CommandError) as refused:
        call_command("import_wordpress", str(tmp_path / "nope.xml"), "--no-progress")
    assert "cannot be read" in str(refused.value)
    assert ArticlePage.objects.count() == 0
