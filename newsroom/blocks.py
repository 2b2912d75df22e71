"""The blocks an article body is written in."""

import re
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.utils.functional import cached_property
from wagtail import blocks
from wagtail.images.blocks import ImageChooserBlock

# "question" (an editor's question about the marked words) is provided by the
# discussion when it is installed; without it the editor simply lacks the control.
RICH_TEXT_FEATURES = [
    "bold",
    "italic",
    "link",
    "ol",
    "ul",
    "superscript",
    "subscript",
    "question",
]


class HeadingBlock(blocks.StructBlock):
    """A section heading; three or more of them make a table of contents."""

    text = blocks.CharBlock(max_length=160)
    level = blocks.ChoiceBlock(
        choices=[("h2", "Section (H2)"), ("h3", "Subsection (H3)")], default="h2"
    )

    class Meta:
        icon = "title"
        template = "newsroom/blocks/heading.html"


class QuoteBlock(blocks.StructBlock):
    text = blocks.TextBlock()
    attribution = blocks.CharBlock(required=False, max_length=200)

    class Meta:
        icon = "openquote"
        template = "newsroom/blocks/quote.html"


class FigureBlock(blocks.StructBlock):
    """An image inside the body, with the text a reader of a screen reader hears."""

    image = ImageChooserBlock()
    alt = blocks.CharBlock(
        max_length=250,
        required=False,
        help_text="What the image shows, for readers who cannot see it. "
        "Leave empty to use the image's own description.",
    )
    caption = blocks.CharBlock(required=False, max_length=300)
    credit = blocks.CharBlock(required=False, max_length=120)

    class Meta:
        icon = "image"
        template = "newsroom/blocks/figure.html"


_YOUTUBE = re.compile(r"^(?:www\.|m\.)?(?:youtube\.com|youtu\.be)$")
_VIMEO = re.compile(r"^(?:www\.)?vimeo\.com$")


class EmbedValue(blocks.StructValue):
    @cached_property
    def player_url(self) -> str:
        """A privacy-enhanced player for YouTube and Vimeo; '' for anything else."""
        parts = urlsplit(self["url"])
        host = parts.hostname or ""
        if _YOUTUBE.match(host):
            if host.endswith("youtu.be"):
                video = parts.path.strip("/")
            else:
                query = dict(
                    p.split("=", 1) for p in parts.query.split("&") if "=" in p
                )
                video = query.get("v", "")
            if re.fullmatch(r"[\w-]{6,20}", video):
                return f"https://www.youtube-nocookie.com/embed/{video}"
        if _VIMEO.match(host):
            video = parts.path.strip("/")
            if video.isdigit():
                return f"https://player.vimeo.com/video/{video}?dnt=1"
        return ""


class EmbedBlock(blocks.StructBlock):
    """A video or post from elsewhere.

    Tribune never fetches third-party code into the page: YouTube and Vimeo play in
    their privacy-enhanced players (the only frames the Content-Security-Policy
    allows); any other URL becomes a link card.
    """

    url = blocks.URLBlock(help_text="A YouTube or Vimeo video, or any page to link to.")
    title = blocks.CharBlock(max_length=200)
    caption = blocks.CharBlock(required=False, max_length=300)

    class Meta:
        icon = "media"
        template = "newsroom/blocks/embed.html"
        value_class = EmbedValue


class CallToActionBlock(blocks.StructBlock):
    title = blocks.CharBlock(max_length=120)
    text = blocks.TextBlock(required=False)
    link_text = blocks.CharBlock(max_length=60)
    link_url = blocks.CharBlock(
        max_length=500, help_text="A site path such as /feed/ or a full https:// URL."
    )

    def clean(self, value):
        value = super().clean(value)
        url = value.get("link_url", "")
        if not (url.startswith("/") or urlsplit(url).scheme in {"http", "https"}):
            raise blocks.StructBlockValidationError(
                {"link_url": ValidationError("Use a site path or an http(s) URL.")}
            )
        return value

    class Meta:
        icon = "pick"
        template = "newsroom/blocks/cta.html"


class ArticleBodyBlock(blocks.StreamBlock):
    heading = HeadingBlock()
    paragraph = blocks.RichTextBlock(
        features=RICH_TEXT_FEATURES, template="newsroom/blocks/paragraph.html"
    )
    quote = QuoteBlock()
    image = FigureBlock()
    embed = EmbedBlock()
    cta = CallToActionBlock(label="Call to action")


SOCIAL_NETWORKS = [
    ("x", "X"),
    ("facebook", "Facebook"),
    ("telegram", "Telegram"),
    ("youtube", "YouTube"),
    ("instagram", "Instagram"),
    ("linkedin", "LinkedIn"),
    ("mastodon", "Mastodon"),
    ("website", "Website"),
]


class SocialLinkValue(blocks.StructValue):
    @property
    def label(self) -> str:
        return dict(SOCIAL_NETWORKS).get(self["network"], self["network"])


class SocialLinkBlock(blocks.StructBlock):
    network = blocks.ChoiceBlock(choices=SOCIAL_NETWORKS)
    url = blocks.URLBlock()

    class Meta:
        value_class = SocialLinkValue


class LinkBlock(blocks.StructBlock):
    label = blocks.CharBlock(max_length=60)
    url = blocks.URLBlock()
