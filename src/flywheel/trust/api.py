"""JSON API for trust: the caller's level and progress to the next one."""

from django.http import HttpRequest
from ninja import Field, Router, Schema

from flywheel.api.auth import member_required, viewer
from flywheel.api.schemas import READ_ERRORS
from flywheel.trust import queries

router = Router(tags=["trust"])


class RequirementOut(Schema):
    key: str = Field(description="e.g. `days_visited`, `posts_read`, `refunds`.")
    label: str
    current: int
    required: int = Field(description="The mark; a maximum when `at_most` is true.")
    at_most: bool
    met: bool


class TrustOut(Schema):
    level: int = Field(description="0 new, 1 basic, 2 member, 3 regular, 4 leader.")
    label: str
    locked: bool = Field(description="Set by staff; automatic changes leave it alone.")
    target_level: int | None = Field(description="The level the requirements are for.")
    keeping: bool = Field(description="True: the requirements to stay a regular (level 3).")
    window_days: int = Field(description="Figures count over this many days (0: all time).")
    requirements: list[RequirementOut]
    all_met: bool


@router.get(
    "/me",
    response={200: TrustOut, **READ_ERRORS},
    auth=member_required,
    summary="Get my trust level",
)
def my_trust(request: HttpRequest):
    progress = queries.progress_for(viewer(request))
    return {
        "level": progress.level,
        "label": progress.level_label,
        "locked": progress.locked,
        "target_level": progress.target_level,
        "keeping": progress.keeping,
        "window_days": progress.window_days,
        "requirements": [check.__dict__ for check in progress.checks],
        "all_met": progress.all_met,
    }
