"""The demo's product trials: a finished one whose testers reviewed the product (one overdue)
and an open one with applicants waiting, both shown on the staff results page."""

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from flywheel.demo.trials import DRAW_SEED, FINISHED_TITLE, OPEN_TITLE
from flywheel.trials import queries, services
from flywheel.trials.models import Application, ApplicationStatus, Trial
from tests.demo import DEMO

# The package's demo (conftest.py): each test's own run then adds nothing.
pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("shared_demo"),
    pytest.mark.xdist_group("demo"),
]


def test_the_demo_has_a_finished_trial_with_reviews_and_an_open_one_with_applicants():
    call_command("demo", **DEMO)
    finished = Trial.objects.get(title=FINISHED_TITLE)
    results = queries.trial_results(finished)
    assert results.counts["selected"] == 4
    assert results.counts["feedback_given"] == 3
    assert results.counts["overdue"] == 1
    assert len(results.reviews) == 3 and results.average_rating is not None
    # The stored seed reproduces the draw.
    applicant_ids = [a.pk for a in results.applicants]
    drawn = services.draw_order(applicant_ids, seed=DRAW_SEED, places=4)
    assert sorted(drawn) == sorted(t.pk for t in results.testers)

    open_trial = Trial.objects.get(title=OPEN_TITLE)
    assert open_trial.takes_applications(timezone.now())
    waiting = Application.objects.filter(trial=open_trial, status=ApplicationStatus.APPLIED)
    assert waiting.count() >= 4

    before = (Trial.objects.count(), Application.objects.count())
    call_command("demo", **DEMO)
    assert (Trial.objects.count(), Application.objects.count()) == before

    owner = finished.created_by
    client = Client()
    client.force_login(owner)
    page = client.get(f"/manage/trials/{finished.pk}/").content.decode()
    assert TESTER_REVIEW_TITLE in page


TESTER_REVIEW_TITLE = "Boiled snow at -12 °C without a fuss"
