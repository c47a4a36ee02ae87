"""What members talk about in each space: per subject, titles, bodies and answers per language.

A subject is a dict: key, kind (question/discussion), tags, optional gear (products that fit),
and per language code {"titles": [...], "bodies": [...], "replies": [...]}. Templates use
{in_place}/{place}, {gear}, {month} and {days}; see content/world.py.
"""

from flywheel.demo.content.subjects import camping, climbing, gear_care, hiking, lounge, running

SUBJECTS_BY_SPACE = {
    "hiking-trekking": hiking.SUBJECTS,
    "climbing": climbing.SUBJECTS,
    "trail-running": running.SUBJECTS,
    "camping-bivouac": camping.SUBJECTS,
    "gear-care-repair": gear_care.SUBJECTS,
    "members-lounge": lounge.LOUNGE_SUBJECTS,
    "summit-club": lounge.SUMMIT_SUBJECTS,
}
WELCOME = lounge.WELCOME
ANNOUNCEMENTS = lounge.ANNOUNCEMENTS
