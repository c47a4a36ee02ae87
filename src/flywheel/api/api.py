from ninja import NinjaAPI

api = NinjaAPI(
    title="Flywheel API",
    version="1",
    description="The community hub's JSON API: spaces, topics, replies, reactions, members, "
    "notifications and search.",
    urls_namespace="api",
)
