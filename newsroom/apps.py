from django.apps import AppConfig


class NewsroomConfig(AppConfig):
    name = "newsroom"
    verbose_name = "Newsroom"

    def ready(self):
        # Cached pages show listings, bylines and settings: anything published,
        # unpublished, moved or deleted in Wagtail makes them stale. These are
        # Wagtail's own events, so its signals are where to hear them.
        from django.db.models.signals import post_delete, post_save
        from wagtail.signals import page_published, page_unpublished, post_page_move

        from config.pagecache import invalidate_site

        from .models import Author, SiteSettings

        def stale(**kwargs):
            invalidate_site()

        for signal in (page_published, page_unpublished, post_page_move):
            signal.connect(stale, weak=False, dispatch_uid=f"stale-{signal!r}")
        for model in (Author, SiteSettings):
            post_save.connect(stale, sender=model, weak=False, dispatch_uid=f"s{model}")
            post_delete.connect(
                stale, sender=model, weak=False, dispatch_uid=f"d{model}"
            )
        post_delete.connect(
            stale, sender="wagtailcore.Page", weak=False, dispatch_uid="stale-page"
        )
