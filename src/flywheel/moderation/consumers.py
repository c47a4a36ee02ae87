"""Activity consumer for auto-moderation. Registered in hooks.activity_consumers."""

from flywheel.core.models import Activity, Verb

POST_VERBS = {Verb.TOPIC_CREATED, Verb.REPLY_CREATED, Verb.POST_EDITED}


def moderate_activity(activity: Activity) -> None:
    """Score what a member just posted or edited; moderators' own posts and edits are trusted."""
    if activity.verb not in POST_VERBS:
        return
    from flywheel.community.models import Post
    from flywheel.community.permissions import is_moderator_of
    from flywheel.moderation.automod import moderate_post

    payload = activity.payload or {}
    post_id = payload.get("post_id") if activity.verb == Verb.TOPIC_CREATED else activity.target_id
    if not post_id:
        return
    post = Post.objects.select_related("topic__space", "author").filter(pk=post_id).first()
    if post is None or post.is_deleted or post.author is None:
        return
    if activity.actor_id != post.author_id or is_moderator_of(post.author, post.topic.space):
        return
    moderate_post(post, source_key=f"auto:{activity.pk}")
