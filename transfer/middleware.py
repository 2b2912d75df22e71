"""WordPress's short links (`/?p=123`, `/?page_id=45`) sent on to the article.

Wagtail's redirect middleware acts only on a 404, and `/` is the front page, so
it never sees these; this looks for the imported redirect of `/?p=ID` first,
before the front page (or its cached copy) is served.
"""

from __future__ import annotations

from django.http import HttpResponsePermanentRedirect, HttpResponseRedirect
from wagtail.contrib.redirects.models import Redirect
from wagtail.models import Site

SHORT_LINK_PARAMETERS = ("p", "page_id", "attachment_id")


class WordPressShortLinkMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path == "/" and request.method in ("GET", "HEAD"):
            for name in SHORT_LINK_PARAMETERS:
                value = request.GET.get(name, "")
                if value.isascii() and value.isdigit() and len(value) < 19:
                    response = self._redirect(request, f"/?{name}={value}")
                    if response is not None:
                        return response
        return self.get_response(request)

    def _redirect(self, request, old_path: str):
        site = Site.find_for_request(request)
        found = (
            Redirect.get_for_site(site)
            .filter(old_path=Redirect.normalise_path(old_path))
            .order_by("site_id")
            .first()
        )
        if found is None or found.link is None:
            return None
        if found.is_permanent:
            return HttpResponsePermanentRedirect(found.link)
        return HttpResponseRedirect(found.link)
