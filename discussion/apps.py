from django.apps import AppConfig


class DiscussionConfig(AppConfig):
    name = "discussion"
    verbose_name = "Discussion"

    def ready(self):
        # Wagtail announces every publication (the admin, scheduled publishing,
        # `revision.publish()` in code) with this signal; passages follow the
        # article's words from there.
        from wagtail.signals import page_published

        from .signals import passages_follow_the_text

        page_published.connect(
            passages_follow_the_text, dispatch_uid="discussion_passages"
        )
