"""Tribune's JSON API, /api/v1/ (schema at /api/v1/openapi.json)."""

from ninja import NinjaAPI

from discussion.api import discussion_error_handler
from discussion.api import router as discussion_router
from discussion.services import DiscussionError
from moderation.api import router as moderation_router
from ratings.api import rating_error_handler
from ratings.api import router as ratings_router
from ratings.services import RatingError
from subscriptions.api import router as subscriptions_router
from subscriptions.api import subscription_error_handler
from subscriptions.services import SubscriptionError

api = NinjaAPI(
    title="Tribune API",
    version="1",
    urls_namespace="api",
    description="Articles' discussions (read, post, edit, delete and vote) and "
    "ratings (read, rate, take back); subscriptions; reports and moderation.",
)
api.add_router("/", discussion_router)
api.add_router("/", ratings_router)
api.add_router("/", subscriptions_router)
api.add_router("/", moderation_router)
api.add_exception_handler(
    DiscussionError, lambda request, exc: discussion_error_handler(request, exc, api)
)
api.add_exception_handler(
    RatingError, lambda request, exc: rating_error_handler(request, exc, api)
)
api.add_exception_handler(
    SubscriptionError,
    lambda request, exc: subscription_error_handler(request, exc, api),
)


def _out_of_range(request, exc):
    """An id beyond a 64-bit integer names nothing (see
    config.middleware.OutOfRangeIdMiddleware)."""
    return api.create_response(request, {"detail": "Not Found"}, status=404)


api.add_exception_handler(OverflowError, _out_of_range)
