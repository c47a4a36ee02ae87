import pytest

pytestmark = pytest.mark.django_db


def test_an_unknown_address_gets_the_branded_not_found_page(client, settings):
    settings.DEBUG = False
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    assert b"We could not find that page." in response.content
    assert b"Back to the community" in response.content
