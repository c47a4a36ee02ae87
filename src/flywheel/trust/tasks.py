from datetime import date

from celery import shared_task


@shared_task(ignore_result=True)
def record_visit(member_id: int, day: str) -> None:
    from flywheel.trust.services import record_visit as record

    record(member_id=member_id, on=date.fromisoformat(day))


@shared_task(ignore_result=True)
def update_trust_levels() -> dict:
    """Daily: promote members who earned a level, demote regulars whose figures lapsed."""
    from flywheel.trust.services import update_trust_levels as update

    return update()
