"""A member's challenges in their data export, and gone (photos included) on erasure."""

from datetime import UTC, datetime

import pytest

from flywheel.challenges import services
from flywheel.challenges.models import CheckIn, Participation
from flywheel.challenges.privacy import erase_challenges, export_challenges
from flywheel.core import hooks
from tests.challenges.conftest import make_challenge
from tests.reviews.conftest import png

pytestmark = pytest.mark.django_db
AT = datetime(2027, 3, 2, 12, 0, tzinfo=UTC)


def test_the_export_holds_check_ins_with_photos_and_erasure_removes_them(staff, member):
    challenge = make_challenge(staff)
    services.join_challenge(challenge=challenge, member=member, at=AT)
    entry = services.check_in(
        challenge=challenge, member=member, text="Up early", photo=png(), at=AT
    )
    exported = export_challenges(member)
    assert exported.data["check_ins"][0]["text"] == "Up early"
    assert exported.data["participations"][0]["check_ins"] == 1
    assert list(exported.files) == [f"check-in-{entry.pk}.webp"]
    storage, name = entry.photo.storage, entry.photo.name
    erase_challenges(member, content="delete")
    assert not CheckIn.objects.exists() and not Participation.objects.exists()
    assert not storage.exists(name)
    challenge.refresh_from_db()
    assert challenge.participant_count == 0


def test_the_challenges_app_registers_its_privacy_handlers():
    assert "challenges" in hooks.privacy_exporters.names()
    assert "challenges" in hooks.privacy_erasers.names()
