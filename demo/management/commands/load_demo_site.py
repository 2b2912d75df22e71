"""Builds the demo site: settings, sections, authors, articles and an editor account.

Idempotent: what exists (matched by slug or username) is left as it is, so a second
run neither duplicates nor fails, and an editor's changes survive it.
"""

from __future__ import annotations

import os
import random
import secrets
from datetime import timedelta
from io import BytesIO
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.images import ImageFile
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone
from PIL import Image as PILImage
from PIL import ImageDraw, ImageFilter, ImageFont
from wagtail.images import get_image_model
from wagtail.models import Page, Site

from demo import content as demo
from discussion.models import Comment, Passage
from discussion.readers import Reader
from discussion.services import cast_vote, post_comment
from moderation.services import MODERATORS_GROUP
from newsroom.models import (
    ArticleAuthor,
    ArticlePage,
    Author,
    HomePage,
    SectionPage,
    SiteSettings,
)
from ratings.models import Rating
from ratings.services import rate_article

EDITOR_USERNAME = "editor"


def _hex(colour: str) -> tuple[int, int, int]:
    colour = colour.lstrip("#")
    return tuple(int(colour[i : i + 2], 16) for i in (0, 2, 4))


def illustration(palette: list[str], seed: str, size=(1600, 900)) -> bytes:
    """An abstract JPEG in the article's colours: a dusk sky over a city's outline."""
    rng = random.Random(seed)
    width, height = size
    top, bottom, accent = (_hex(c) for c in palette[:3])
    image = PILImage.new("RGB", size, top)
    draw = ImageDraw.Draw(image)
    for y in range(height):
        t = y / height
        draw.line(
            [(0, y), (width, y)],
            fill=tuple(int(a + (b - a) * t) for a, b in zip(top, bottom, strict=True)),
        )
    sun_x, sun_y, radius = (
        rng.randint(300, 1300),
        rng.randint(200, 420),
        rng.randint(90, 160),
    )
    draw.ellipse(
        [sun_x - radius, sun_y - radius, sun_x + radius, sun_y + radius], fill=accent
    )
    image = image.filter(ImageFilter.GaussianBlur(6))
    draw = ImageDraw.Draw(image)
    shade = tuple(max(0, c - 40) for c in top)
    x = 0
    while x < width:
        w, h = rng.randint(40, 140), rng.randint(120, 420)
        draw.rectangle([x, height - h, x + w, height], fill=shade)
        if rng.random() < 0.4:  # a dome or a minaret among the blocks
            draw.ellipse(
                [x, height - h - w // 2, x + w, height - h + w // 2], fill=shade
            )
        x += w + rng.randint(0, 30)
    out = BytesIO()
    image.save(out, "JPEG", quality=82, optimize=True, progressive=True)
    return out.getvalue()


def portrait(name: str, colour: str, size: int = 400) -> bytes:
    """A plain portrait placeholder: the author's initials on their colour."""
    image = PILImage.new("RGB", (size, size), _hex(colour))
    draw = ImageDraw.Draw(image)
    initials = "".join(part[0] for part in name.split()[:2]).upper()
    font = ImageFont.load_default(size=size // 3)
    box = draw.textbbox((0, 0), initials, font=font)
    draw.text(
        (
            (size - (box[2] - box[0])) / 2 - box[0],
            (size - (box[3] - box[1])) / 2 - box[1],
        ),
        initials,
        font=font,
        fill=(255, 255, 255),
    )
    out = BytesIO()
    image.save(out, "JPEG", quality=88)
    return out.getvalue()


def make_image(title: str, filename: str, data: bytes, description: str = ""):
    Image = get_image_model()
    existing = Image.objects.filter(title=title).first()
    if existing:
        return existing
    return Image.objects.create(
        title=title,
        description=description,
        file=ImageFile(BytesIO(data), name=f"{filename}.jpg"),
    )


class Command(BaseCommand):
    help = "Create the demo site (idempotent) and print how an editor logs in."

    def handle(self, *args, **options):
        with transaction.atomic():
            home = self.home_page()
            self.site_settings(home)
            sections = self.sections(home)
            authors = self.authors()
            created = self.articles(sections, authors)
            self.discussion()
            self.held_comments()
            self.ratings()
        if created:
            call_command("update_index", verbosity=0)
        self.stdout.write(f"Demo site ready: {created} new article(s).")
        self.editor()

    # --- structure -----------------------------------------------------------------
    def home_page(self) -> HomePage:
        home = HomePage.objects.first()
        site = Site.objects.filter(is_default_site=True).first()
        if home is None:
            root = Page.get_first_root_node()
            home = root.add_child(
                instance=HomePage(title=demo.SITE["name"], slug="front", live=True)
            )
            home.save_revision().publish()
            if site and site.root_page_id != home.pk:
                old_root = site.root_page
                site.root_page = home
                site.save()
                if old_root.specific_class is Page and not old_root.get_children():
                    old_root.delete()  # Wagtail's "Welcome" placeholder
        parts = urlsplit(settings.SITE_URL)
        port = parts.port or (443 if parts.scheme == "https" else 80)
        Site.objects.update_or_create(
            is_default_site=True,
            defaults={
                "hostname": parts.hostname or "localhost",
                "port": port,
                "root_page": home,
                "site_name": demo.SITE["name"],
            },
        )
        return home

    def site_settings(self, home: HomePage) -> None:
        site = Site.objects.get(is_default_site=True)
        site_settings = SiteSettings.for_site(site)
        if site_settings.tagline:
            return  # already set up; the editors own it now
        site_settings.name = demo.SITE["name"]
        site_settings.tagline = demo.SITE["tagline"]
        site_settings.description = demo.SITE["description"]
        site_settings.social_links = [
            ("link", {"network": label.lower(), "url": url})
            for label, url in demo.SITE["social"]
        ]
        site_settings.save()

    def sections(self, home: HomePage) -> dict[str, SectionPage]:
        found = {}
        for spec in demo.SECTIONS:
            section = (
                SectionPage.objects.child_of(home).filter(slug=spec["slug"]).first()
            )
            if section is None:
                section = home.add_child(
                    instance=SectionPage(
                        title=spec["title"], slug=spec["slug"], intro=spec["intro"]
                    )
                )
                section.save_revision().publish()
            found[spec["slug"]] = section
        return found

    def authors(self) -> dict[str, Author]:
        found = {}
        for spec in demo.AUTHORS:
            author = Author.objects.filter(slug=spec["slug"]).first()
            if author is None:
                photo = make_image(
                    f"Portrait: {spec['name']}",
                    f"portrait_{spec['slug'].replace('-', '_')}",
                    portrait(spec["name"], spec["colour"]),
                    description=f"Portrait placeholder for {spec['name']}",
                )
                author = Author.objects.create(
                    name=spec["name"],
                    slug=spec["slug"],
                    alias=spec["alias"],
                    role=spec["role"],
                    bio=spec["bio"],
                    photo=photo,
                    links=[
                        ("link", {"label": label, "url": url})
                        for label, url in spec["links"]
                    ],
                )
            found[spec["slug"]] = author
        return found

    def articles(self, sections, authors) -> int:
        created = 0
        now = timezone.now().replace(second=0, microsecond=0)
        for spec in reversed(demo.ARTICLES):  # oldest first, like a real newsroom
            section = sections[spec["section"]]
            if ArticlePage.objects.child_of(section).filter(slug=spec["slug"]).exists():
                continue
            image_spec = spec["image"]
            image = make_image(
                image_spec["filename"],
                image_spec["filename"],
                illustration(image_spec["palette"], seed=spec["slug"]),
                description=image_spec["alt"],
            )
            source = spec["source"] or {}
            article = ArticlePage(
                title=spec["title"],
                slug=spec["slug"],
                standfirst=spec["standfirst"],
                featured_image=image,
                featured_image_alt=image_spec["alt"],
                featured_image_caption=image_spec["caption"],
                featured_image_credit=image_spec["credit"],
                body=list(spec["body"]),
                source_name=source.get("name", ""),
                source_url=source.get("url", ""),
                source_is_canonical=source.get("canonical", False),
            )
            for order, slug in enumerate(spec["authors"]):
                article.article_authors.add(
                    ArticleAuthor(author=authors[slug], sort_order=order)
                )
            article.tags.add(*spec["tags"])
            section.add_child(instance=article)
            article.save_revision().publish()
            published = now - timedelta(
                days=spec["days_ago"], hours=spec["days_ago"] % 5
            )
            updated = (
                now - timedelta(days=spec["updated_days_ago"])
                if spec["updated_days_ago"] is not None
                else None
            )
            ArticlePage.objects.filter(pk=article.pk).update(
                first_published_at=published,
                last_published_at=updated or published,
                updated_at=updated,
            )
            created += 1
        return created

    def discussion(self) -> None:
        """A guest comment with one up-vote, and a reply, under the flagship."""
        flagship = ArticlePage.objects.get(slug=demo.ARTICLES[0]["slug"])
        if Comment.objects.filter(thread__article_id=flagship.pk).exists():
            return
        first_reader = Reader(key="g:demo-reader-1", ip_hash="demo")
        for spec in demo.COMMENTS:
            reader = Reader(key=f"g:demo-{spec['name'].lower()}", ip_hash="demo")
            parent = None
            if spec.get("reply_to_first"):
                parent = Comment.objects.filter(thread__article_id=flagship.pk).first()
            question = None
            if spec.get("answers_question"):
                # The editors' question marked in the body (published above).
                question = (
                    Passage.objects.filter(thread__article_id=flagship.pk)
                    .exclude(question="")
                    .first()
                )
            comment = post_comment(
                article=flagship,
                reader=reader,
                body=spec["body"],
                parent_id=parent.pk if parent else None,
                passage_id=question.pk if question else None,
                name=spec["name"],
                email=spec["email"],
            )
            for _ in range(spec.get("up_votes", 0)):
                cast_vote(comment_id=comment.pk, reader=first_reader, value=1)

    def held_comments(self) -> None:
        """Comments the checks hold, so the moderators' desk has work to show."""
        flagship = ArticlePage.objects.get(slug=demo.ARTICLES[0]["slug"])
        if Comment.objects.filter(
            thread__article_id=flagship.pk, state=Comment.State.PENDING
        ).exists():
            return
        for n, spec in enumerate(demo.HELD_COMMENTS, start=1):
            post_comment(
                article=flagship,
                reader=Reader(key=f"g:demo-held-{n}", ip_hash="demo-2"),
                body=spec["body"],
                name=spec["name"],
                email=spec["email"],
            )

    def ratings(self) -> None:
        """A few readers' ratings of the flagship (the seed's "Article Rating")."""
        flagship = ArticlePage.objects.get(slug=demo.ARTICLES[0]["slug"])
        if Rating.objects.filter(article=flagship).exists():
            return
        for n, stars in enumerate(demo.RATINGS, start=1):
            rate_article(
                article_id=flagship.pk,
                reader=Reader(key=f"g:demo-rater-{n}", ip_hash="demo"),
                stars=stars,
            )

    # --- the editor -----------------------------------------------------------------
    def editor(self) -> None:
        User = get_user_model()
        given = os.environ.get("TRIBUNE_EDITOR_PASSWORD", "")
        saved = settings.VAR_DIR / "editor_password"
        user = User.objects.filter(username=EDITOR_USERNAME).first()
        login = f"{settings.SITE_URL}/admin/"
        if user is None:
            password = given or secrets.token_urlsafe(12)
            User.objects.create_superuser(
                EDITOR_USERNAME,
                "editor@example.org",
                password,
                display_name="The Editor",
            )
            if not given:
                saved.write_text(password + "\n")
                saved.chmod(0o600)
        elif given:
            user.set_password(given)
            user.save(update_fields=["password"])
            password = given
        else:
            password = None
        # The editor moderates comments too (the moderators' desk in the admin).
        moderators, _ = Group.objects.get_or_create(name=MODERATORS_GROUP)
        User.objects.get(username=EDITOR_USERNAME).groups.add(moderators)
        self.stdout.write(f"Editor login: {login}  user: {EDITOR_USERNAME}")
        if given:
            self.stdout.write("  password: the one in TRIBUNE_EDITOR_PASSWORD")
        elif password:
            self.stdout.write(f"  password: {password}  (also saved to {saved})")
        else:
            self.stdout.write(
                f"  password: generated on the first run, kept in {saved}"
            )
