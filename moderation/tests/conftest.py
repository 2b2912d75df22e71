# The moderation tests' fixtures (kept beside them while the app is not yet
# wired into the discussion; the root conftest.py registers the other apps').
from .fixtures import newsroom_names  # noqa: F401
