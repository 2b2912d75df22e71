"""An optional outside spam check, in the Akismet comment-check protocol.

Off unless `MODERATION_AKISMET_KEY` is set: then each comment's text, name,
e-mail, website, IP address and user agent are sent to
`MODERATION_AKISMET_URL` (Akismet itself, or a compatible service the site
runs). The answer "true" holds the comment. A service that is down, slow (over
`MODERATION_AKISMET_TIMEOUT` seconds) or answers anything else changes nothing:
the site's own checks have already run.
"""

from __future__ import annotations

import logging
import urllib.error
import urllib.parse
import urllib.request

from django.conf import settings

log = logging.getLogger(__name__)

DEFAULT_URL = "https://{key}.rest.akismet.com/1.1/comment-check"


def enabled() -> bool:
    return bool(getattr(settings, "MODERATION_AKISMET_KEY", ""))


def _post(url: str, fields: dict[str, str], timeout: float) -> str:
    """POSTs the form and returns the body of the answer."""
    data = urllib.parse.urlencode(fields).encode()
    request = urllib.request.Request(url, data=data, method="POST")
    request.add_header("User-Agent", "Tribune moderation/1")
    with urllib.request.urlopen(request, timeout=timeout) as answer:  # noqa: S310
        return answer.read(64).decode("ascii", "replace").strip()


def is_spam(
    *, body: str, name: str, email: str, website: str, ip: str, user_agent: str
) -> bool | None:
    """True or False as the service says, None when it is off or gave no answer."""
    if not enabled():
        return None
    key = settings.MODERATION_AKISMET_KEY
    url = getattr(settings, "MODERATION_AKISMET_URL", "") or DEFAULT_URL
    fields = {
        "api_key": key,
        "blog": getattr(settings, "SITE_URL", ""),
        "user_ip": ip,
        "user_agent": user_agent,
        "comment_type": "comment",
        "comment_author": name,
        "comment_author_email": email,
        "comment_author_url": website,
        "comment_content": body,
    }
    try:
        answer = _post(
            url.format(key=urllib.parse.quote(key, safe="")),
            fields,
            float(getattr(settings, "MODERATION_AKISMET_TIMEOUT", 3)),
        )
    except (OSError, urllib.error.URLError, ValueError) as error:
        log.warning("The outside spam check did not answer: %s", error)
        return None
    if answer in ("true", "false"):
        return answer == "true"
    log.warning("The outside spam check answered %r", answer[:40])
    return None
