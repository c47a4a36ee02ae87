"""The NinjaAPI instance behind /api/v1/: routers from each app, one error format, two auths."""

from ninja import NinjaAPI

from flywheel.accounts.api import me_router, members_router
from flywheel.api.errors import register_error_handlers
from flywheel.badges.api import router as badges_router
from flywheel.commerce.api import router as commerce_router
from flywheel.community.api import posts_router, spaces_router, topics_router
from flywheel.events.api import router as events_router
from flywheel.ideas.api import router as ideas_router
from flywheel.moderation.api import router as moderation_router
from flywheel.notifications.api import router as notifications_router
from flywheel.privacy.api import router as privacy_router
from flywheel.referrals.api import router as referrals_router
from flywheel.reviews.api import router as reviews_router
from flywheel.rewards.api import router as rewards_router
from flywheel.search.api import router as search_router
from flywheel.surveys.api import router as surveys_router
from flywheel.trust.api import router as trust_router

api = NinjaAPI(
    title="Flywheel API",
    version="1",
    description=(
        "The community hub's JSON API: spaces, topics, replies, reactions, members, "
        "notifications and search.\n\n"
        "**Auth**: send `Authorization: Bearer fw_…` with a personal access token, or use the "
        "browser session (writes then need the `X-CSRFToken` header). Public data can be read "
        "without either.\n\n"
        "**Lists** take `limit` (1–100, default 25) and `cursor`, and answer "
        '`{"items": [...], "next_cursor": "..." | null}`.\n\n'
        "**Errors** always answer "
        '`{"error": {"code": "...", "message": "...", "fields": {"field": ["..."]}}}`.'
    ),
    urls_namespace="api",
)
register_error_handlers(api)

api.add_router("/spaces", spaces_router)
api.add_router("/topics", topics_router)
api.add_router("/posts", posts_router)
api.add_router("/members", members_router)
api.add_router("/me", me_router)
api.add_router("/notifications", notifications_router)
api.add_router("/search", search_router)
api.add_router("/commerce", commerce_router)
api.add_router("/rewards", rewards_router)
api.add_router("/trust", trust_router)
api.add_router("/badges", badges_router)
api.add_router("/moderation", moderation_router)
api.add_router("/privacy", privacy_router)
api.add_router("/referrals", referrals_router)
api.add_router("/reviews", reviews_router)
api.add_router("/ideas", ideas_router)
api.add_router("/surveys", surveys_router)
api.add_router("/events", events_router)
