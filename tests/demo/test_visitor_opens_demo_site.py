"""Someone opens the demo shop that `make run` serves."""

import pytest

pytestmark = pytest.mark.django_db

LOADER_TAG = '<script id="glance-cobrowse" src="/cobrowse/loader.js?group=72&site=production"'


@pytest.mark.parametrize("url", ["/demo/", "/demo/checkout/"])
def test_demo_page_loads_the_loader_for_group_72(client, url):
    response = client.get(url)

    assert response.status_code == 200
    assert LOADER_TAG in response.content.decode()


def test_checkout_has_fields_for_masking(client):
    body = client.get("/demo/checkout/").content.decode()

    assert 'id="card-number"' in body
    assert 'class="demo-private"' in body


def test_home_leads_to_the_demo_shop(client):
    response = client.get("/")

    assert (response.status_code, response["Location"]) == (302, "/demo/")
