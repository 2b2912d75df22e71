from django.apps import AppConfig


class NewsroomConfig(AppConfig):
    name = "newsroom"
    verbose_name = "Newsroom"

    def ready(self):
        # Cached pages show listings, bylines and settings: anything published,
        # unpublished, moved or deleted in Wagtail makes them stale. These are
        # Wagtail's own events, so its signals are where to hear them; our own
        # models (Author, SiteSettings) say so in their save() and delete().
        from django.db.models.signals import post_delete
        from wagtail.signals import page_published, page_unpublished, post_page_move

        from .services import content_changed

        def stale(**kwargs):
            content_changed()

        for signal in (page_published, page_unpublished, post_page_move):
            signal.connect(stale, weak=False, dispatch_uid=f"stale-{signal!r}")
        post_delete.connect(
            stale, sender="wagtailcore.Page", weak=False, dispatch_uid="stale-page"
        )
