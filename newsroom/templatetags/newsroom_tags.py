"""Template helpers for the reader pages: structured data, share links, images."""

from __future__ import annotations

import json

from django import template
from django.conf import settings
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from .. import extensions
from ..models import SiteSettings
from ..sharing import share_links as build_share_links

register = template.Library()

# The characters that could end a <script> element or open a comment inside it.
_SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


@register.simple_tag
def json_ld(data: dict) -> str:
    """A JSON-LD block, safe to embed whatever strings `data` holds."""
    payload = json.dumps(data, ensure_ascii=False, sort_keys=True).translate(
        _SCRIPT_ESCAPES
    )
    return format_html(
        '<script type="application/ld+json">{}</script>', mark_safe(payload)
    )


@register.simple_tag
def share_links(page) -> list:
    return build_share_links(page.absolute_url, page.title)


@register.filter
def absolute(path: str) -> str:
    """A site path as an absolute URL on SITE_URL (URLs pass through unchanged)."""
    if not path or "://" in path:
        return path
    return settings.SITE_URL + path


@register.simple_tag
def share_image_url(image) -> str:
    """The absolute URL of a 1200×630 crop, the size social networks expect."""
    if image is None:
        return ""
    return absolute(image.get_rendition("fill-1200x630|format-jpeg").url)


@register.simple_tag(takes_context=True)
def article_json_ld(context, page) -> str:
    site_settings = SiteSettings.for_request(context["request"])
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": page.title[:110],
        "description": page.standfirst,
        "mainEntityOfPage": page.canonical_url,
        "url": page.absolute_url,
        "datePublished": page.first_published_at.isoformat()
        if page.first_published_at
        else None,
        "dateModified": (
            page.updated_at or page.last_published_at or page.first_published_at
        ).isoformat()
        if page.first_published_at
        else None,
        "author": [
            {"@type": "Person", "name": a.name, "url": absolute(a.get_absolute_url())}
            for a in page.authors
        ],
        "publisher": {
            "@type": "Organization",
            "name": site_settings.name,
            "url": settings.SITE_URL + "/",
        },
        "keywords": [tag.name for tag in page.tag_list],
        "wordCount": len(page.plain_text.split()),
    }
    if page.section:
        data["articleSection"] = page.section.title
    if page.featured_image:
        data["image"] = [share_image_url(page.featured_image)]
    if site_settings.logo:
        logo = site_settings.logo.get_rendition("height-60")
        data["publisher"]["logo"] = {"@type": "ImageObject", "url": absolute(logo.url)}
    for add in extensions.get(extensions.STRUCTURED_DATA):
        add(context["request"], page, data)
    if page.source_name:
        data["isBasedOn"] = page.source_url or page.source_name
    return json_ld({k: v for k, v in data.items() if v is not None})


# --- what apps above the newsroom add (see newsroom.extensions) -------------------
@register.simple_tag(takes_context=True)
def article_sections(context, article) -> str:
    """The sections other apps put under an article (its discussion)."""
    request = context["request"]
    return mark_safe(
        "".join(
            add(request, article) for add in extensions.get(extensions.ARTICLE_SECTIONS)
        )
    )


@register.simple_tag(takes_context=True)
def body_block(context, article, block) -> str:
    """A block of the article's body, rendered, as other apps rewrite it."""
    key = f"newsroom_body_rewriters_{article.pk}"
    rewriters = context.render_context.get(key)
    if rewriters is None:
        rewriters = [
            rewrite
            for add in extensions.get(extensions.BODY_BLOCK_HTML)
            if (rewrite := add(article)) is not None
        ]
        context.render_context[key] = rewriters
    html = block.render_as_block(context=context.flatten())
    for rewrite in rewriters:
        html = rewrite(block, html)
    return mark_safe(html)


@register.simple_tag
def article_scripts(article) -> list[str]:
    """The static paths of the module scripts other apps need on an article."""
    return [
        path
        for add in extensions.get(extensions.ARTICLE_SCRIPTS)
        for path in add(article)
    ]


@register.simple_tag(takes_context=True)
def byline_items(context, article) -> str:
    """Short items other apps add to a byline ("12 comments")."""
    request = context.get("request")
    return mark_safe(
        "".join(
            add(request, article) for add in extensions.get(extensions.BYLINE_ITEMS)
        )
    )
