"""Where apps above accounts add to a member's own page (/accounts/), without
accounts knowing them.

An app registers `fn(request) -> str` under ACCOUNT_SECTIONS with
`wagtail.hooks.register` in its `wagtail_hooks.py`: the HTML of one section of
the page (a `<section>` with an `id` and an `<h2>`), for `request.user`, who is
signed in. Sections appear below the account's own, in the order registered.
Forms in a section post to their own app's views, which redirect back to
`/accounts/#<the section's id>`.
"""

from __future__ import annotations

from django.utils.safestring import SafeString, mark_safe
from wagtail import hooks

ACCOUNT_SECTIONS = "accounts_account_sections"


def account_sections(request) -> list[SafeString]:
    return [mark_safe(str(fn(request))) for fn in hooks.get_hooks(ACCOUNT_SECTIONS)]
