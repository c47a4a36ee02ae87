"""Events in a member's data export, and their erasure (registered in EventsConfig.ready()
as "events").

Erasure cancels the member's RSVPs to events still to come through the service, so the
first member waiting takes the seat, then deletes every registration, vote and chapter
membership. Questions are deleted in both modes: they are short and personal, and an answered
question without its asker still reads fine as the host's answer, so "anonymise" keeps the
answered ones with no author and no text of theirs."""

from django.utils import timezone

from flywheel.events.models import (
    ChapterMembership,
    Question,
    QuestionState,
    QuestionVote,
    Registration,
    RegistrationStatus,
)


def export_events_data(member) -> dict:
    return {
        "registrations": [
            {
                "event": registration.event.title,
                "starts_at": registration.event.starts_at.isoformat(),
                "status": registration.status,
                "requested_at": registration.requested_at.isoformat(),
                "checked_in_at": registration.checked_in_at.isoformat()
                if registration.checked_in_at
                else None,
            }
            for registration in Registration.objects.filter(member=member).select_related("event")
        ],
        "questions": [
            {
                "event": question.event.title,
                "question": question.body,
                "asked_at": question.created_at.isoformat(),
                "answer": question.answer,
            }
            for question in Question.objects.filter(author=member).select_related("event")
        ],
        "chapters": [
            {"chapter": membership.chapter.name, "role": membership.role}
            for membership in ChapterMembership.objects.filter(member=member).select_related(
                "chapter"
            )
        ],
    }


def erase_events_data(member, *, content: str) -> None:
    from flywheel.events.services import cancel_registration

    now = timezone.now()
    for registration in Registration.objects.filter(
        member=member,
        status__in=[RegistrationStatus.GOING, RegistrationStatus.WAITLISTED],
        event__ends_at__gt=now,
        checked_in_at__isnull=True,
    ).select_related("event"):
        cancel_registration(event=registration.event, member=member)
    Registration.objects.filter(member=member).delete()
    for vote in QuestionVote.objects.filter(member=member).select_related("question"):
        Question.objects.filter(pk=vote.question_id, vote_count__gt=0).update(
            vote_count=vote.question.vote_count - 1
        )
        vote.delete()
    questions = Question.objects.filter(author=member)
    if content == "anonymise":
        questions.filter(state=QuestionState.ANSWERED).update(author=None, body="", body_html="")
    questions.filter(author=member).delete()
    ChapterMembership.objects.filter(member=member).delete()
