"""WSGI entry point for gunicorn."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

application = get_wsgi_application()

# Each worker loads the offensive-language model as it starts (it takes seconds),
# not while the first reader to comment waits.
from moderation.offensive import scorer  # noqa: E402

scorer()
