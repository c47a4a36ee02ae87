from flywheel.core.models import Activity, Verb


def bridge_new_topic(activity: Activity) -> None:
    """Activity consumer: a new topic may go out to Discord, Slack or Telegram. Idempotent:
    each (bridge, topic) message is stored once."""
    if activity.verb != Verb.TOPIC_CREATED or activity.target_id is None:
        return
    from flywheel.bridges import services
    from flywheel.community.models import Topic

    topic = Topic.objects.select_related("space", "author").filter(pk=activity.target_id).first()
    if topic is not None:
        services.bridge_new_topic(topic=topic)
