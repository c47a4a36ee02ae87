import pytest
from django.urls import reverse
from PIL import ExifTags, Image

from flywheel.accounts.models import User
from tests.accounts.conftest import make_image_upload
from tests.core.image_files import (
    SCRIPT_NAMED_JPG,
    SVG_WITH_SCRIPT,
    big_flat_png,
    image_bytes,
    jpeg_with_gps,
    png_bomb,
    upload,
)
from tests.factories import UserFactory


def _form_data(member, **changes):
    data = {
        "display_name": member.display_name,
        "handle": member.handle,
        "bio": member.bio,
        "language": member.language,
        "timezone": member.timezone,
        "digest_enabled": "on",
        "mention_emails_enabled": "on",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


@pytest.mark.django_db
def test_anonymous_visitor_is_sent_to_sign_in_from_profile_settings(client):
    response = client.get(reverse("accounts:settings"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.django_db
def test_settings_page_shows_the_members_current_values(client, member):
    client.force_login(member)

    response = client.get(reverse("accounts:settings"))

    assert response.status_code == 200
    html = response.content.decode()
    assert f'value="{member.handle}"' in html
    assert 'value="Europe/Riga"' in html  # the time zone select lists zoneinfo names


@pytest.mark.django_db
def test_member_updates_profile_preferences_and_avatar(client, member):
    client.force_login(member)
    data = _form_data(
        member,
        display_name="Anna Kalniņa",
        handle="Anna.K",
        bio="Hikes every weekend.",
        language="lv",
        timezone="Europe/Riga",
        digest_enabled=None,
        avatar=make_image_upload(size=(500, 300)),
    )

    response = client.post(reverse("accounts:settings"), data)

    assert response.status_code == 302
    member.refresh_from_db()
    assert member.display_name == "Anna Kalniņa"
    assert member.handle == "Anna.K"
    assert member.bio == "Hikes every weekend."
    assert member.language == "lv"
    assert member.timezone == "Europe/Riga"
    assert member.digest_enabled is False
    assert member.mention_emails_enabled is True
    assert member.avatar.name.endswith(".webp")
    with Image.open(member.avatar.path) as avatar:
        assert avatar.size == (256, 256)
        assert avatar.format == "WEBP"
    assert response.cookies["django_language"].value == "lv"


@pytest.mark.django_db
def test_a_new_avatar_replaces_the_old_file(client, member, django_capture_on_commit_callbacks):
    client.force_login(member)
    client.post(reverse("accounts:settings"), _form_data(member, avatar=make_image_upload()))
    member.refresh_from_db()
    old_path = member.avatar.path

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("accounts:settings"),
            _form_data(member, avatar=make_image_upload(image_format="JPEG", name="me.jpg")),
        )

    member.refresh_from_db()
    assert member.avatar.path != old_path
    assert not __import__("os").path.exists(old_path)


@pytest.mark.django_db
def test_handle_taken_in_another_case_is_refused_naming_the_handle(client, member):
    UserFactory(handle="anna")
    client.force_login(member)
    original_name = member.display_name

    response = client.post(
        reverse("accounts:settings"), _form_data(member, handle="ANNA", display_name="Changed")
    )

    assert response.status_code == 409
    assert "The handle @ANNA is taken" in response.content.decode()
    assert response.context["form"].errors["handle"]
    member.refresh_from_db()
    assert member.handle != "ANNA"
    assert member.display_name == original_name


@pytest.mark.django_db
@pytest.mark.parametrize("handle", ["bad handle", "ab", "-dash", "trailing.", "émile", "x" * 31])
def test_handle_with_characters_outside_the_allowed_set_is_refused(client, member, handle):
    client.force_login(member)

    response = client.post(reverse("accounts:settings"), _form_data(member, handle=handle))

    assert response.status_code in (400, 422)
    assert response.context["form"].errors["handle"]
    member.refresh_from_db()
    assert member.handle != handle


@pytest.mark.django_db
def test_handle_error_explains_the_allowed_characters(client, member):
    client.force_login(member)

    response = client.post(reverse("accounts:settings"), _form_data(member, handle="bad handle!"))

    assert response.status_code == 422
    assert "letters, digits, dots, dashes and underscores" in response.content.decode()


@pytest.mark.django_db
def test_keeping_your_own_handle_in_another_case_is_allowed(client, member):
    client.force_login(member)

    response = client.post(
        reverse("accounts:settings"), _form_data(member, handle=member.handle.upper())
    )

    assert response.status_code == 302
    member.refresh_from_db()
    assert member.handle == member.handle.upper()


@pytest.mark.django_db
def test_non_image_avatar_is_refused_naming_the_avatar_and_nothing_is_saved(client, member):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(member)
    fake = SimpleUploadedFile("avatar.png", b"not really a picture", content_type="image/png")

    response = client.post(
        reverse("accounts:settings"), _form_data(member, avatar=fake, bio="Should not stick")
    )

    assert response.status_code == 422
    assert "The avatar must be an image" in response.context["form"].errors["avatar"][0]
    member.refresh_from_db()
    assert not member.avatar
    assert member.bio == ""


@pytest.mark.django_db
def test_avatar_over_two_megabytes_is_refused(client, member):
    client.force_login(member)
    upload = make_image_upload(size=(1024, 1024), noise=True)
    assert upload.size > 3 * 1000 * 1000

    response = client.post(reverse("accounts:settings"), _form_data(member, avatar=upload))

    assert response.status_code == 422
    assert "at most 2 MB" in response.context["form"].errors["avatar"][0]
    member.refresh_from_db()
    assert not member.avatar


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("field", "value"), [("timezone", "Mars/Olympus"), ("language", "xx"), ("bio", "b" * 1001)]
)
def test_out_of_range_preferences_are_refused_naming_the_field(client, member, field, value):
    client.force_login(member)

    response = client.post(reverse("accounts:settings"), _form_data(member, **{field: value}))

    assert response.status_code == 400
    assert response.context["form"].errors[field]
    assert User.objects.get(pk=member.pk).timezone == "UTC"


@pytest.mark.django_db
def test_member_can_remove_their_avatar(client, member):
    client.force_login(member)
    client.post(reverse("accounts:settings"), _form_data(member, avatar=make_image_upload()))

    response = client.post(reverse("accounts:settings"), _form_data(member, remove_avatar="on"))

    assert response.status_code == 302
    member.refresh_from_db()
    assert not member.avatar


# Hostile and oversized avatars: refused by content and size, nothing stored ------------------

HOSTILE_AVATARS = {
    "6300px_png": (big_flat_png, "avatar.png", "6300×6300 pixels"),
    "20000px_png_bomb": (png_bomb, "avatar.png", "pixels"),
    "script_named_jpg": (lambda: SCRIPT_NAMED_JPG, "avatar.jpg", "must be an image"),
    "svg_with_script": (lambda: SVG_WITH_SCRIPT, "avatar.svg", "SVG"),
    "huge_file": (
        lambda: image_bytes(size=(64, 64), image_format="JPEG") + b"\0" * (5 * 1024 * 1024),
        "avatar.jpg",
        "at most 2 MB",
    ),
}


def _files_under(root) -> list:
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


@pytest.mark.django_db
@pytest.mark.parametrize("case", HOSTILE_AVATARS, ids=list(HOSTILE_AVATARS))
def test_hostile_avatar_is_refused_naming_the_avatar_and_nothing_is_stored(
    client, member, settings, case
):
    make, name, expected = HOSTILE_AVATARS[case]
    client.force_login(member)

    response = client.post(
        reverse("accounts:settings"),
        _form_data(member, avatar=upload(make(), name=name), bio="Should not stick"),
    )

    assert response.status_code == 422
    assert expected in response.context["form"].errors["avatar"][0]
    member.refresh_from_db()
    assert not member.avatar
    assert member.bio == ""
    assert _files_under(settings.MEDIA_ROOT) == []


@pytest.mark.django_db
def test_avatar_location_metadata_is_not_stored(client, member):
    client.force_login(member)

    response = client.post(
        reverse("accounts:settings"),
        _form_data(member, avatar=upload(jpeg_with_gps(), name="me.jpg")),
    )

    assert response.status_code == 302
    member.refresh_from_db()
    stored = member.avatar.read()
    assert b"Exif" not in stored and b"TestCam" not in stored
    with Image.open(member.avatar.path) as avatar:
        assert avatar.size == (256, 256)
        assert not avatar.getexif().get_ifd(ExifTags.IFD.GPSInfo)


@pytest.mark.django_db(transaction=True)
def test_an_avatar_written_for_a_save_that_fails_is_deleted(client, member, settings, monkeypatch):
    from django.db import DatabaseError

    def failing_save(self, *args, **kwargs):
        raise DatabaseError("the database went away")

    client.force_login(member)
    monkeypatch.setattr(User, "save", failing_save)
    client.raise_request_exception = False

    response = client.post(
        reverse("accounts:settings"), _form_data(member, avatar=make_image_upload())
    )

    assert response.status_code == 500
    assert _files_under(settings.MEDIA_ROOT) == []


@pytest.mark.django_db
def test_profile_saves_past_the_allowance_answer_429_and_are_not_saved(client, member, settings):
    settings.FLYWHEEL_RATE_LIMITS = {"profile": {0: "2/h"}}
    client.force_login(member)
    for number in range(2):
        response = client.post(reverse("accounts:settings"), _form_data(member, bio=f"v{number}"))
        assert response.status_code == 302

    response = client.post(reverse("accounts:settings"), _form_data(member, bio="one too many"))

    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 3600
    assert "You are doing that too often" in response.content.decode()
    member.refresh_from_db()
    assert member.bio == "v1"


@pytest.mark.django_db
def test_profile_updates_through_the_api_count_against_the_same_allowance(member, settings):
    from tests.api.conftest import ApiClient, token_for

    settings.FLYWHEEL_RATE_LIMITS = {"profile": {0: "1/h"}}
    api = ApiClient(token=token_for(member))

    assert api.patch("/me", {"bio": "first"}).status_code == 200
    response = api.patch("/me", {"bio": "second"})

    assert response.status_code == 429
    member.refresh_from_db()
    assert member.bio == "first"


@pytest.mark.django_db
def test_the_admin_member_form_puts_avatars_through_the_same_pipeline(member):
    from flywheel.accounts.admin import MemberAdminForm
    from tests.factories import AdminFactory

    form_class = type("Form", (MemberAdminForm,), {"request_user": AdminFactory()})
    data = {
        "email": member.email,
        "handle": member.handle,
        "role": member.role,
        "is_active": "on",
        "language": member.language,
        "timezone": member.timezone,
    }

    refused = form_class(data, {"avatar": upload(SVG_WITH_SCRIPT, name="a.png")}, instance=member)
    accepted = form_class(data, {"avatar": upload(jpeg_with_gps(), name="a.jpg")}, instance=member)

    assert not refused.is_valid()
    assert "SVG" in refused.errors["avatar"][0]
    assert accepted.is_valid(), accepted.errors
    saved = accepted.save()
    assert saved.avatar.name.endswith(".webp")
    assert b"Exif" not in saved.avatar.read()
