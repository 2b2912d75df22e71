"""Share links for an article: plain URLs, no third-party script or pixel."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote, urlencode


@dataclass(frozen=True)
class ShareLink:
    network: str  # also the icon's name
    label: str
    url: str


def share_links(url: str, title: str) -> list[ShareLink]:
    """One link per network, each carrying the article's URL and title, encoded."""

    def q(base: str, **params: str) -> str:
        return f"{base}?{urlencode(params, quote_via=quote)}"

    text = f"{title} {url}"
    return [
        ShareLink("email", "E-mail", q("mailto:", subject=title, body=text)),
        ShareLink("x", "X", q("https://x.com/intent/post", url=url, text=title)),
        ShareLink(
            "facebook",
            "Facebook",
            q("https://www.facebook.com/sharer/sharer.php", u=url),
        ),
        ShareLink("whatsapp", "WhatsApp", q("https://wa.me/", text=text)),
        ShareLink(
            "linkedin",
            "LinkedIn",
            q("https://www.linkedin.com/sharing/share-offsite/", url=url),
        ),
        ShareLink(
            "telegram", "Telegram", q("https://t.me/share/url", url=url, text=title)
        ),
    ]
