"""A member drops an image onto the reply composer, watches its progress reach 100 %, posts
the reply and sees the image in it; on a phone they paste one from the clipboard. Screenshots
at desktop and phone widths."""

import base64
import io
import re

import pytest
from PIL import Image, ImageDraw
from playwright.sync_api import expect

from flywheel.community.models import PostImage
from tests.browser.conftest import screenshot, sign_in, verified_member
from tests.factories import make_topic

pytestmark = pytest.mark.browser


def picture_base64(colour: str) -> str:
    image = Image.new("RGB", (1200, 800), colour)
    draw = ImageDraw.Draw(image)
    draw.polygon([(0, 800), (500, 260), (1000, 800)], fill="#264653")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return base64.b64encode(buffer.getvalue()).decode()


# Builds a File in the page and hands it to the textarea as a drop or a paste would.
GIVE_FILE = """(textarea, [how, name, data]) => {
  const bytes = Uint8Array.from(atob(data), (c) => c.charCodeAt(0));
  const transfer = new DataTransfer();
  transfer.items.add(new File([bytes], name, { type: "image/png" }));
  textarea.focus();
  if (how === "drop") {
    textarea.dispatchEvent(new DragEvent("dragover", { dataTransfer: transfer, bubbles: true, cancelable: true }));
    textarea.dispatchEvent(new DragEvent("drop", { dataTransfer: transfer, bubbles: true, cancelable: true }));
  } else {
    textarea.dispatchEvent(new ClipboardEvent("paste", { clipboardData: transfer, bubbles: true, cancelable: true }));
  }
}"""


def give_file(page, how: str, name: str, colour: str) -> None:
    textarea = page.locator("textarea[name=body]")
    textarea.evaluate(GIVE_FILE, [how, name, picture_base64(colour)])


def test_a_member_drops_and_pastes_images_into_replies(
    page, phone_page, live_server, settings, tmp_path
):
    from flywheel.trust.models import MemberTrust

    settings.MEDIA_ROOT = tmp_path / "media"
    member = verified_member(display_name="Anna Keller")
    MemberTrust.objects.create(member=member, level=1)  # new members may not post images yet
    topic = make_topic(title="Show your tent pitches", body="Photos welcome.")

    sign_in(page, live_server, email=member.email)
    page.goto(f"{live_server.url}{topic.get_absolute_url()}")
    expect(page.get_by_role("button", name="Add images")).to_be_visible()
    give_file(page, "drop", "seceda-pitch.png", "#e76f51")
    upload = page.locator(".fw-upload").first
    expect(upload).to_have_attribute("data-state", "done")
    assert upload.locator("progress").evaluate("bar => bar.value") == 100
    expect(upload.locator(".fw-upload-status")).to_contain_text("100%")
    expect(page.locator("textarea[name=body]")).to_have_value(
        re.compile(r"!\[seceda-pitch\]\(/images/[0-9a-f]{32}\.webp\)")
    )
    page.locator("textarea[name=body]").press("End")
    page.locator("textarea[name=body]").type("Pitched at 2,500 m.")
    screenshot(page, "post-images-composer-desktop")
    page.get_by_role("button", name="Post reply").click()

    image = PostImage.objects.get()
    shown = page.locator(f'.fw-post-body img[src="{image.get_absolute_url()}"]')
    expect(shown).to_be_visible()
    assert shown.evaluate("img => img.complete && img.naturalWidth > 0")
    image.refresh_from_db()
    assert image.post is not None and image.post.number == 2
    screenshot(page, "post-images-reply-desktop")

    sign_in(phone_page, live_server, email=member.email)
    phone_page.goto(f"{live_server.url}{topic.get_absolute_url()}")
    give_file(phone_page, "paste", "stove-nook.png", "#2a9d8f")
    pasted = phone_page.locator(".fw-upload").first
    expect(pasted).to_have_attribute("data-state", "done")
    expect(pasted.locator(".fw-upload-status")).to_contain_text("100%")
    screenshot(phone_page, "post-images-composer-phone")
    phone_page.get_by_role("button", name="Post reply").click()
    second = PostImage.objects.exclude(pk=image.pk).get()
    expect(
        phone_page.locator(f'.fw-post-body img[src="{second.get_absolute_url()}"]')
    ).to_be_visible()
    assert phone_page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    screenshot(phone_page, "post-images-reply-phone")
