"""Images in topics and replies: uploaded from the composer, checked by the one image pipeline,
linked to the post that shows them, served only to who may read the post, exported, erased
and cleaned up when no post used them."""

import io
import json
import zipfile
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from flywheel.community import services, tasks
from flywheel.community.models import PostImage, Visibility
from flywheel.core import hooks
from tests.core.image_files import SCRIPT_NAMED_JPG, jpeg_with_gps, png_bomb
from tests.factories import SpaceFactory, UserFactory, make_reply, make_topic
from tests.reviews.conftest import png

pytestmark = pytest.mark.django_db

UPLOAD_URL = "/images/upload/"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def member(db):
    """A member at trust level 1 ("Basic"): new members may not put images in posts yet (the
    trust app's posting check; tests/trust/test_privileges.py)."""
    from flywheel.trust.models import MemberTrust

    member = UserFactory()
    MemberTrust.objects.create(member=member, level=1)
    return member


def upload(client, file):
    return client.post(UPLOAD_URL, {"image": file})


def uploaded(member, file=None, **extra) -> PostImage:
    return services.upload_post_image(uploader=member, upload=file or png(), **extra)


def test_a_member_uploads_an_image_and_gets_its_id_and_url(
    client, member, django_capture_on_commit_callbacks
):
    client.force_login(member)
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client, png(size=(2400, 1200)))
    assert response.status_code == 201
    answer = response.json()
    image = PostImage.objects.get(key=answer["id"])
    assert answer["url"] == f"/images/{image.key}.webp"
    assert answer["markdown"] == f"![image]({answer['url']})"
    assert (image.width, image.height) == (1600, 800)  # fitted into 1600 px
    assert image.uploader == member and image.post is None
    image.refresh_from_db()
    assert image.display  # the background task made the 960 px variant
    served = client.get(answer["url"])
    assert served.status_code == 200 and served["Content-Type"] == "image/webp"
    with Image.open(io.BytesIO(b"".join(served.streaming_content))) as shown:
        assert shown.size == (960, 480)
    full = client.get(answer["full_url"])
    with Image.open(io.BytesIO(b"".join(full.streaming_content))) as original:
        assert original.size == (1600, 800)


def test_gps_and_exif_are_gone_from_the_stored_image(member):
    image = uploaded(member, SimpleUploadedFile("trip.jpg", jpeg_with_gps(), "image/jpeg"))
    with image.image.open("rb") as handle, Image.open(handle) as stored:
        assert stored.format == "WEBP"
        assert not stored.getexif()


def test_a_script_named_jpg_is_refused_with_a_message_and_nothing_is_stored(client, member):
    client.force_login(member)
    response = upload(client, SimpleUploadedFile("cat.jpg", SCRIPT_NAMED_JPG, "image/jpeg"))
    assert response.status_code == 422
    assert response.json()["field"] == "image"
    assert "must be an image" in response.json()["error"]
    assert not PostImage.objects.exists()


def test_a_png_bomb_is_refused_before_decoding(client, member):
    client.force_login(member)
    response = upload(client, SimpleUploadedFile("bomb.png", png_bomb(), "image/png"))
    assert response.status_code == 422
    assert "too many pixels" in response.json()["error"]
    assert not PostImage.objects.exists()


def test_a_request_without_a_file_names_the_field(client, member):
    client.force_login(member)
    response = client.post(UPLOAD_URL, {})
    assert response.status_code == 422
    assert response.json() == {"error": "Choose an image to upload.", "field": "image"}


def test_a_new_member_is_told_before_uploading_that_images_come_later(client):
    """Level 0 may not show images in posts: the upload is refused up front, not the post."""
    newcomer = UserFactory()
    client.force_login(newcomer)
    refused = upload(client, png())
    assert refused.status_code == 422
    assert refused.json()["field"] == "image"
    assert "cannot add images to posts yet" in refused.json()["error"]
    assert not PostImage.objects.exists()


def test_uploads_past_the_trust_levels_allowance_are_refused(client, member, settings):
    settings.FLYWHEEL_RATE_LIMITS = {"photo_upload": {0: "2/d"}}
    settings.FLYWHEEL_TRUST_LEVEL_RESOLVER = "tests.reviews.conftest.level_zero"
    client.force_login(member)
    assert upload(client, png()).status_code == 201
    assert upload(client, png()).status_code == 201
    refused = upload(client, png())
    assert refused.status_code == 429
    assert "as many photos as your trust level allows" in refused.json()["error"]
    assert int(refused["Retry-After"]) > 0
    assert PostImage.objects.count() == 2


def test_a_visitor_cannot_upload(client):
    response = upload(client, png())
    assert response.status_code == 403
    assert response.json()["error"] == "Sign in first."
    assert not PostImage.objects.exists()


def test_the_upload_needs_the_csrf_token(member):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(member)
    assert strict.post(UPLOAD_URL, {"image": png()}).status_code == 403
    assert not PostImage.objects.exists()


def test_an_upload_is_only_the_uploaders_until_a_post_shows_it(client, member, other_member):
    image = uploaded(member)
    client.force_login(other_member)
    assert client.get(image.get_absolute_url()).status_code == 404
    client.force_login(member)
    assert client.get(image.get_absolute_url()).status_code == 200


def test_a_reply_shows_the_image_and_is_linked_to_it(client, member):
    image = uploaded(member)
    topic = make_topic(author=member)
    reply = make_reply(
        topic=topic, author=member, body=f"Look:\n\n![tent]({image.get_absolute_url()})"
    )
    image.refresh_from_db()
    assert image.post == reply and image.attached_at is not None
    page = client.get(topic.get_absolute_url())
    assert f'<img src="{image.get_absolute_url()}" alt="tent">' in page.content.decode()
    assert client.get(image.get_absolute_url()).status_code == 200  # a visitor, public space


def test_an_opening_post_and_an_edit_link_their_images(member):
    first, second = uploaded(member), uploaded(member)
    topic = make_topic(author=member, body=f"![a]({first.get_absolute_url()})")
    opening = topic.posts.get(number=1)
    services.edit_post(
        post=opening,
        editor=member,
        body=f"![a]({first.get_absolute_url()}) ![b]({second.get_absolute_url()})",
    )
    assert set(opening.images.values_list("key", flat=True)) == {first.key, second.key}


def test_someone_elses_upload_is_not_linked_to_your_post(member, other_member):
    from flywheel.trust.models import MemberTrust

    MemberTrust.objects.create(member=other_member, level=1)
    theirs = uploaded(other_member)
    make_topic(author=member, body=f"![x]({theirs.get_absolute_url()})")
    theirs.refresh_from_db()
    assert theirs.post is None


def test_an_external_image_in_markdown_becomes_a_link(member):
    topic = make_topic(author=member, body="![pixel](https://tracker.example/p.gif)")
    html = topic.posts.get(number=1).body_html
    assert "<img" not in html
    assert '<a href="https://tracker.example/p.gif"' in html


def test_images_in_a_members_only_space_are_not_served_to_visitors(client, member):
    space = SpaceFactory(visibility=Visibility.MEMBERS)
    image = uploaded(member)
    make_topic(author=member, space=space, body=f"![x]({image.get_absolute_url()})")
    assert client.get(image.get_absolute_url()).status_code == 404
    client.force_login(UserFactory())  # any signed-in member reads a members-only space
    response = client.get(image.get_absolute_url())
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, max-age=3600"


def test_images_in_a_gated_space_are_served_only_past_the_gate(client, member):
    from flywheel.community.models import SpaceAccessGrant

    space = SpaceFactory(visibility=Visibility.GATED)
    SpaceAccessGrant.objects.create(space=space, member=member)
    image = uploaded(member)
    make_topic(author=member, space=space, body=f"![x]({image.get_absolute_url()})")
    assert client.get(image.get_absolute_url()).status_code == 404  # a visitor
    client.force_login(UserFactory())  # a member without the purchase
    assert client.get(image.get_absolute_url()).status_code == 404
    client.force_login(member)
    assert client.get(image.get_absolute_url()).status_code == 200


def test_an_image_of_a_deleted_post_is_not_served(client, member):
    image = uploaded(member)
    topic = make_topic(author=member)
    reply = make_reply(topic=topic, author=member, body=f"![x]({image.get_absolute_url()})")
    services.delete_post(post=reply, by=member)
    client.force_login(UserFactory())
    assert client.get(image.get_absolute_url()).status_code == 404


def test_an_unknown_image_is_404(client):
    assert client.get("/images/0123456789abcdef0123456789abcdef.webp").status_code == 404


def test_unused_uploads_older_than_a_day_are_deleted_with_their_files(member):
    old = uploaded(member, at=timezone.now() - timedelta(days=2))
    fresh = uploaded(member)
    used = uploaded(member, at=timezone.now() - timedelta(days=2))
    make_topic(author=member, body=f"![x]({used.get_absolute_url()})")
    old_path = old.image.path
    assert tasks.delete_unattached_post_images() == 1
    assert set(PostImage.objects.values_list("pk", flat=True)) == {fresh.pk, used.pk}
    import os

    assert not os.path.exists(old_path)


def test_the_export_holds_the_members_images_with_their_files(member):
    image = uploaded(member)
    reply = make_reply(topic=make_topic(), author=member, body=f"![x]({image.get_absolute_url()})")
    exported = hooks.privacy_exporters.get("post_images")(member)
    assert exported.data == [
        {
            "id": image.key,
            "post_id": reply.pk,
            "file": f"{image.key}.webp",
            "width": 64,
            "height": 48,
            "created_at": image.created_at.isoformat(),
        }
    ]
    with Image.open(io.BytesIO(exported.files[f"{image.key}.webp"])) as picture:
        assert picture.format == "WEBP"


@pytest.mark.parametrize("content", ["anonymise", "delete"])
def test_erasure_deletes_the_members_images_and_files(client, member, content):
    image = uploaded(member)
    make_reply(topic=make_topic(), author=member, body=f"![x]({image.get_absolute_url()})")
    path = image.image.path
    hooks.privacy_erasers.get("community")(member, content=content)
    assert not PostImage.objects.filter(uploader=member).exists()
    import os

    assert not os.path.exists(path)
    assert client.get(image.get_absolute_url()).status_code == 404


def test_the_reply_composer_carries_the_upload_script_and_its_words(client, member):
    topic = make_topic()
    client.force_login(member)
    page = client.get(topic.get_absolute_url()).content.decode()
    assert 'src="/static/community/composer-images.js"' in page
    assert 'data-image-upload="/images/upload/"' in page
    assert 'data-image-button="Add images"' in page


def test_a_visitors_topic_page_loads_no_upload_script(client):
    page = client.get(make_topic().get_absolute_url()).content.decode()
    assert "composer-images.js" not in page


def test_the_member_export_zip_holds_the_image_file(member):
    """The whole export, as the member downloads it (privacy app)."""
    from flywheel.privacy import services as privacy

    image = uploaded(member)
    archive = zipfile.ZipFile(io.BytesIO(privacy.build_export_zip(member)))
    assert f"files/post_images/{image.key}.webp" in archive.namelist()
    assert json.loads(archive.read("data.json"))["post_images"][0]["id"] == image.key
