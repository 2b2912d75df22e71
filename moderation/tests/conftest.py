# The moderation tests' fixtures (kept beside them while the app is not yet
# wired into the discussion; the root conftest.py registers the other apps').
import pytest

from moderation.lists import forget_compiled

from .fixtures import newsroom_names  # noqa: F401


@pytest.fixture(autouse=True)
def _lists_read_afresh():
    """Each test checks against its own database's lists and authors: changes
    made in a test never commit, so no generation moves to say so."""
    forget_compiled()
    yield
    forget_compiled()
