"""Trial applications in a member's data export, and their erasure (registered in
TrialsConfig.ready() as "trials"). Erasure deletes the member's applications in both modes:
an answer to the application question is their own text. The trial's counts on the results
page shrink accordingly; their published review is erased by the reviews app's own rules."""

from flywheel.trials.models import Application


def _iso(value):
    return value.isoformat() if value else None


def export_trials_data(member) -> dict:
    return {
        "applications": [
            {
                "trial": application.trial.title,
                "product": str(application.trial.product),
                "answer": application.answer,
                "status": application.status,
                "applied_at": _iso(application.applied_at),
                "selected_at": _iso(application.selected_at),
                "shipped_at": _iso(application.shipped_at),
                "received_at": _iso(application.received_at),
                "feedback_given_at": _iso(application.feedback_given_at),
            }
            for application in Application.objects.filter(member=member).select_related(
                "trial__product"
            )
        ]
    }


def erase_trials_data(member, *, content: str) -> None:
    Application.objects.filter(member=member).delete()
