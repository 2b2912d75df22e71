"""WSGI entry point for gunicorn."""

import os

from django.core.signals import request_started
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

application = get_wsgi_application()

# Each worker loads the offensive-language model and the starter classifier as it
# starts (they take seconds), not while the first reader to comment waits.
from moderation import classifier, offensive  # noqa: E402

offensive.scorer()
classifier.prepare()

# Each web process's first request makes sure the daily privacy purge is queued
# (once per purge moment, whichever process asks first). Wired here, where only
# serving processes come, so tests and management commands never queue it.
from privacy.tasks import start_schedule  # noqa: E402

request_started.connect(start_schedule, dispatch_uid="privacy_purge")
