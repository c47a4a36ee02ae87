"""Challenge participations and check-ins in a member's data export (with their photos) and
their erasure (registered in ChallengesConfig.ready() as "challenges"). Erasure deletes the
member's check-ins, photo files and participations in both modes, and takes them off the
challenges' counts."""

from django.db.models import F

from flywheel.challenges.models import Challenge, CheckIn, Participation
from flywheel.privacy.registry import ExportFiles


def export_challenges(member) -> ExportFiles:
    data, files = {"participations": [], "check_ins": []}, {}
    for participation in Participation.objects.filter(member=member).select_related("challenge"):
        data["participations"].append(
            {
                "challenge": participation.challenge.title,
                "joined_at": participation.joined_at.isoformat(),
                "check_ins": participation.check_in_count,
                "longest_streak": participation.longest_streak,
                "completed_at": (
                    participation.completed_at.isoformat() if participation.completed_at else None
                ),
            }
        )
    for entry in CheckIn.objects.filter(member=member).select_related("challenge"):
        photo = ""
        if entry.photo:
            name = f"check-in-{entry.pk}.webp"
            try:
                with entry.photo.open("rb") as handle:
                    files[name] = handle.read()
                photo = name
            except OSError:
                photo = ""
        data["check_ins"].append(
            {
                "challenge": entry.challenge.title,
                "day": entry.day.isoformat(),
                "text": entry.text,
                "photo": photo,
                "created_at": entry.created_at.isoformat(),
            }
        )
    return ExportFiles(data=data, files=files)


def erase_challenges(member, *, content: str) -> None:
    for entry in CheckIn.objects.filter(member=member).exclude(photo=""):
        entry.photo.delete(save=False)
    CheckIn.objects.filter(member=member).delete()
    for participation in Participation.objects.filter(member=member):
        Challenge.objects.filter(pk=participation.challenge_id).update(
            participant_count=F("participant_count") - 1,
            completed_count=F("completed_count") - int(participation.completed_at is not None),
        )
    Participation.objects.filter(member=member).delete()
