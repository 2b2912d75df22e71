"""WSGI entry point for gunicorn."""

import os

from django.core.signals import request_started
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

application = get_wsgi_application()

# Each worker loads the offensive-language model as it starts (it takes seconds),
# not while the first reader to comment waits.
from moderation.offensive import scorer  # noqa: E402

scorer()

# Each web process's first request makes sure the daily privacy purge is queued
# (once per purge moment, whichever process asks first). Wired here, where only
# serving processes come, so tests and management commands never queue it.
from privacy.tasks import start_schedule  # noqa: E402

request_started.connect(start_schedule, dispatch_uid="privacy_purge")
