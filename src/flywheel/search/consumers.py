"""Keeps search in step with the Activity log. Registered in hooks.activity_consumers."""

from flywheel.core.models import Activity, Verb

POST_VERBS = {Verb.REPLY_CREATED, Verb.POST_EDITED, Verb.POST_DELETED}


def index_for_activity(activity: Activity) -> None:
    from flywheel.search.services import index_posts

    if activity.verb == Verb.TOPIC_CREATED:
        post_id = (activity.payload or {}).get("post_id")
        if post_id:
            index_posts([post_id])
    elif activity.verb in POST_VERBS and activity.target_id:
        # The target is the post; index_posts removes it (or its topic) when deleted.
        index_posts([activity.target_id])
