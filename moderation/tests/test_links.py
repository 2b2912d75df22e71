"""Links: found in text, and judged against trusted and known-bad domains."""

import pytest

from moderation.links import covered, find_links, host_of, imitated

TRUSTED = frozenset({"reuters.com", "bbc.co.uk", "bbc.com", "apnews.com", "un.org"})


@pytest.mark.parametrize(
    ("text", "hosts"),
    [
        pytest.param("see https://www.reuters.com/world/x.", ["reuters.com"], id="url"),
        pytest.param("at www.example.org/page", ["example.org"], id="www"),
        pytest.param("buy at cheap-pills.xyz now", ["cheap-pills.xyz"], id="bare"),
        pytest.param("[the report](https://un.org/r)", ["un.org"], id="markdown"),
        pytest.param("e.g. this, end.Next one", [], id="not-domains"),
        pytest.param("mail me: a@b.com", [], id="email-is-no-link"),
        pytest.param("http://xn--bb-pmc.com/", ["bbс.com"], id="punycode-decoded"),
    ],
)
def test_find_links(text, hosts):
    assert [link.host for link in find_links(text)] == hosts


@pytest.mark.parametrize(
    ("host", "imitates"),
    [
        pytest.param("reuters.co", "reuters.com", id="other-ending"),
        pytest.param("bbc-news.com", "bbc.co.uk", id="words-added"),
        pytest.param("reutersnews.net", "reuters.com", id="run-together"),
        pytest.param("bbс.com", "bbc.co.uk", id="cyrillic-letter"),
        pytest.param("reuter5.com", "reuters.com", id="digit-for-letter"),
        pytest.param("reutres.com", "reuters.com", id="swapped-letters"),
        pytest.param("apnevvs.com", "apnews.com", id="vv-for-w"),
        pytest.param("reuters.com.example.net", "reuters.com", id="trusted-as-prefix"),
        pytest.param("news.bbc.co.uk", None, id="subdomain-is-trusted"),
        pytest.param("example.org", None, id="unrelated"),
        pytest.param("cbs.com", None, id="short-name-one-letter-off"),
        pytest.param("unicef.org", None, id="short-trusted-name-inside"),
    ],
)
def test_look_alike_domains(host, imitates):
    assert imitated(host, TRUSTED) == imitates


def test_subdomains_are_covered():
    assert covered("news.bbc.co.uk", TRUSTED) == "bbc.co.uk"
    assert covered("notbbc.co.uk", TRUSTED) is None


@pytest.mark.parametrize(
    "url",
    [
        pytest.param("http://<script>alert(1)</script>.com", id="script"),
        pytest.param('http://exa"mple.com', id="quote"),
        pytest.param("http://[::1", id="broken-ipv6"),
    ],
)
def test_hosts_are_safe_to_show(url):
    host = host_of(url)
    assert not set(host) & set("<>\"'()/ ")
