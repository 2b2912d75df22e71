from django.apps import AppConfig


class SubscriptionsConfig(AppConfig):
    name = "subscriptions"
    verbose_name = "Subscriptions"

    def ready(self):
        # New articles are announced from Wagtail's publication signal, as the
        # discussion's passages are (discussion/apps.py).
        from wagtail.signals import page_published

        from .signals import article_published

        page_published.connect(article_published, dispatch_uid="subscriptions_new")
