"""Background work for ideas: expiry of ideas whose milestone window closed (hourly), and the
"you asked, we built it" e-mails to supporters, each in their language."""

from celery import shared_task

from flywheel.ideas import services
from flywheel.ideas.emails import send_shipped_emails as send


@shared_task(name="flywheel.ideas.tasks.expire_ideas_task")
def expire_ideas_task() -> int:
    return services.expire_ideas()


@shared_task(name="flywheel.ideas.tasks.send_shipped_emails")
def send_shipped_emails(idea_id: int | None = None, request_id: int | None = None) -> int:
    return send(idea_id=idea_id, request_id=request_id)
