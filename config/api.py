"""Tribune's JSON API, /api/v1/ (schema at /api/v1/openapi.json)."""

from ninja import NinjaAPI

from discussion.api import discussion_error_handler
from discussion.api import router as discussion_router
from discussion.services import DiscussionError

api = NinjaAPI(
    title="Tribune API",
    version="1",
    urls_namespace="api",
    description="Articles' discussions: read, post, edit, delete and vote.",
)
api.add_router("/", discussion_router)
api.add_exception_handler(
    DiscussionError, lambda request, exc: discussion_error_handler(request, exc, api)
)
