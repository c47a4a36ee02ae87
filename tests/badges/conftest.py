import pytest

from flywheel.badges import services


@pytest.fixture
def defaults(db):
    created, _existing = services.install_default_badges()
    return {badge.slug: badge for badge in created}


@pytest.fixture
def consumers(django_capture_on_commit_callbacks):
    """Run Activity consumers (badges among them) when the block ends, as after a commit."""
    return lambda: django_capture_on_commit_callbacks(execute=True)
