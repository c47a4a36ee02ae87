"""Every failure answers in one format, with the right status, and writes nothing."""

import pytest
from django.test import override_settings

from flywheel.community.models import Post, Topic
from tests.api.conftest import assert_error
from tests.factories import make_topic

pytestmark = pytest.mark.django_db


def new_topic(space, **changes):
    return {"space": space.slug, "title": "Gaiters in deep snow", "body": "Worth it?", **changes}


def test_malformed_json_is_a_400_in_the_error_format(member_api):
    error = assert_error(member_api.post("/topics", raw_body="{not json"), 400, "malformed_json")
    assert "body" in error["fields"]


def test_a_body_that_is_not_utf8_is_malformed(member_api):
    assert_error(member_api.post("/topics", raw_body=b"\xff\xfe{"), 400, "malformed_json")


def test_an_empty_title_is_a_422_naming_title(member_api, space):
    assert_error(member_api.post("/topics", new_topic(space, title="")), 422, field="title")
    assert not Topic.objects.exists()


def test_a_missing_title_is_a_422_naming_title(member_api, space):
    payload = new_topic(space)
    del payload["title"]
    assert_error(member_api.post("/topics", payload), 422, "validation_error", field="title")


def test_a_one_megabyte_body_is_a_422_naming_body(member_api, space):
    response = member_api.post("/topics", new_topic(space, body="x" * 1_000_000))
    assert_error(response, 422, field="body")
    assert not Topic.objects.exists()


def test_a_one_megabyte_reply_is_a_422_naming_body_and_adds_nothing(member_api, space):
    topic = make_topic(space=space)
    response = member_api.post(f"/topics/{topic.pk}/replies", {"body": "y" * 1_000_000})
    assert_error(response, 422, field="body")
    assert Post.objects.filter(topic=topic).count() == 1


def test_a_body_over_the_upload_limit_is_a_413(member_api, space):
    response = member_api.post("/topics", new_topic(space, body="z" * 3_000_000))
    assert_error(response, 413, "request_too_large")


def test_an_unknown_space_is_a_422_naming_space(member_api):
    response = member_api.post("/topics", {"space": "nowhere", "title": "Hello", "body": "Hi"})
    assert_error(response, 422, field="space")


def test_a_wrong_type_is_a_422_naming_the_field(member_api, space):
    assert_error(member_api.post("/topics", new_topic(space, tags="not-a-list")), 422, field="tags")


def test_an_unknown_kind_is_a_422_naming_kind(member_api, space):
    assert_error(member_api.post("/topics", new_topic(space, kind="rant")), 422, field="kind")


def test_a_nul_character_is_refused_not_a_server_error(member_api, space):
    assert_error(
        member_api.post("/topics", new_topic(space, title="bad\x00title")), 422, field="title"
    )


def test_a_json_array_instead_of_an_object_is_a_422(member_api):
    assert_error(member_api.post("/topics", [1, 2, 3]), 422, "validation_error")


def test_an_empty_body_is_a_422(member_api):
    assert_error(member_api.post("/topics", raw_body=""), 422, "validation_error")


def test_an_id_too_big_for_the_database_is_simply_not_found(member_api):
    assert_error(member_api.get(f"/topics/{10**30}"), 404, "not_found")
    assert_error(member_api.patch(f"/posts/{10**30}", {"body": "x"}), 404, "not_found")


def test_an_unknown_route_is_not_a_server_error(member_api):
    assert member_api.get("/nothing-here").status_code == 404


def test_a_limit_over_100_is_a_422_naming_limit(anonymous_api):
    assert_error(anonymous_api.get("/topics", {"limit": 101}), 422, field="limit")
    assert_error(anonymous_api.get("/topics", {"limit": 0}), 422, field="limit")


def test_a_tampered_cursor_is_a_422_naming_cursor(anonymous_api):
    for cursor in ["!!!", "bm90IGpzb24", "WzEsMl0", "WyJ4IiwieSIsInoiXQ", "W251bGwsbnVsbCxudWxsXQ"]:
        assert_error(anonymous_api.get("/topics", {"cursor": cursor}), 422, field="cursor")


def test_a_non_integer_limit_is_a_422(anonymous_api):
    assert_error(anonymous_api.get("/topics", {"limit": "lots"}), 422, field="limit")


@override_settings(FLYWHEEL_WRITE_RATE_LIMIT="2/m")
def test_too_many_posts_are_a_429_with_retry_after_and_nothing_written(member_api, space):
    for number in range(2):
        title = f"Topic number {number}"
        assert member_api.post("/topics", new_topic(space, title=title)).status_code == 201
    response = member_api.post("/topics", new_topic(space, title="One too many"))
    assert_error(response, 429, "rate_limited")
    assert 0 < int(response["Retry-After"]) <= 60
    assert Topic.objects.count() == 2


def test_the_openapi_document_describes_the_api(anonymous_api):
    response = anonymous_api.get("/openapi.json")
    assert response.status_code == 200
    document = response.json()
    assert document["info"]["title"] == "Flywheel API"
    assert "/api/v1/topics" in document["paths"]
    schemas = document["components"]["schemas"]
    assert {"TopicOut", "TopicCreateIn", "ErrorOut", "TopicPage"} <= set(schemas)
    create = document["paths"]["/api/v1/topics"]["post"]
    assert {"201", "401", "422"} <= set(create["responses"])


def test_the_interactive_docs_page_is_served(anonymous_api):
    response = anonymous_api.get("/docs")
    assert response.status_code == 200
    assert b"swagger" in response.content.lower()


def test_nul_characters_in_paths_and_filters_are_not_server_errors(member_api, space):
    assert_error(member_api.get("/spaces/bad%00slug"), 404)
    assert_error(member_api.get("/members/bad%00handle"), 404)
    assert_error(member_api.get("/topics", {"tag": "bad\x00tag"}), 422, field="tag")
    assert_error(member_api.get("/search", {"q": "tent\x00"}), 422, field="q")


def test_the_openapi_document_marks_public_reads_as_needing_no_credentials(anonymous_api):
    paths = anonymous_api.get("/openapi.json").json()["paths"]
    assert {} in paths["/api/v1/topics"]["get"]["security"]
    assert {} not in paths["/api/v1/topics"]["post"]["security"]
    assert {} not in paths["/api/v1/me"]["get"]["security"]
