from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "privacy"
    verbose_name = "Privacy"

    def ready(self):
        # The daily purge is (re)started by each web process's first request.
        from django.core.signals import request_started

        from .tasks import start_schedule

        request_started.connect(start_schedule, dispatch_uid="privacy_purge")
