"""Poll votes and survey answers in a member's data export, and their erasure
(registered in SurveysConfig.ready() as "surveys").

Erasure, "anonymise": votes and scores stay in the counts but no longer point at the
member, and free-text answers are blanked (a member may have written their name or address
there). "delete": votes and answers are removed (the results lose them). Invitations go in
both modes."""

from flywheel.surveys.models import PollBallot, SurveyAnswer, SurveyInvitation, SurveyResponse


def export_votes_and_answers(member) -> dict:
    ballots = (
        PollBallot.objects.filter(voter=member)
        .select_related("poll")
        .prefetch_related("choices__option")
        .order_by("pk")
    )
    responses = (
        SurveyResponse.objects.filter(respondent=member)
        .select_related("survey")
        .prefetch_related("answers__question")
        .order_by("pk")
    )
    return {
        "poll_votes": [
            {
                "poll": ballot.poll.question,
                "topic_id": ballot.poll.topic_id,
                "options": [choice.option.label for choice in ballot.choices.all()],
                "voted_at": ballot.created_at.isoformat(),
            }
            for ballot in ballots
        ],
        "survey_answers": [
            {
                "survey": response.survey.title,
                "submitted_at": response.submitted_at.isoformat(),
                "answers": [
                    {
                        "question": answer.question.prompt,
                        "score": answer.score,
                        "options": [
                            answer.question.choices[index]
                            for index in answer.choices
                            if index < len(answer.question.choices)
                        ],
                        "text": answer.text,
                    }
                    for answer in response.answers.all()
                ],
            }
            for response in responses
        ],
        "survey_invitations": list(
            SurveyInvitation.objects.filter(member=member)
            .order_by("pk")
            .values_list("survey__title", flat=True)
        ),
    }


def erase_votes_and_answers(member, *, content: str) -> None:
    SurveyInvitation.objects.filter(member=member).delete()
    if content == "delete":
        PollBallot.objects.filter(voter=member).delete()
        SurveyResponse.objects.filter(respondent=member).delete()
        return
    PollBallot.objects.filter(voter=member).update(voter=None)
    SurveyAnswer.objects.filter(response__respondent=member).exclude(text="").update(text="")
    SurveyResponse.objects.filter(respondent=member).update(respondent=None)
