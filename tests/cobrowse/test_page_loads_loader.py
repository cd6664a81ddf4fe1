"""An integrator's page loads the visitor loader with its script tag (ours or Glance's URL)."""

import json

import pytest
from django.conf import settings

from cobrowse.models import Group

pytestmark = pytest.mark.django_db

LOADER_URLS = ["/cobrowse/loader.js", "/cobrowse/CobrowseJS.ashx"]


def inlined_config(body: str) -> dict:
    """The config object the loader bundle is called with: `(function(C){...})({...});`."""
    assert body.endswith(");\n"), body[-200:]
    return json.loads(body.removesuffix(");\n").rsplit("})(", 1)[1])


@pytest.mark.parametrize("url", LOADER_URLS)
def test_loader_carries_the_groups_config_and_the_glance_api(client, demo_group, url):
    response = client.get(url, {"group": "72", "site": "production"})

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert response["Access-Control-Allow-Origin"] == "*"
    body = response.content.decode()
    assert "GLANCE" in body
    assert ".demo-private" in body and "#card-number" in body
    config = inlined_config(body)
    assert config["group"] == 72
    assert config["site"] == "production"
    assert config["maskSelectors"] == [".demo-private", "#card-number"]
    assert config["trustedDomains"] == ["127.0.0.1", "localhost"]
    assert config["socket"] == "ws://testserver/ws/visitor/72/"
    assert config["maxFrame"] == settings.TANDEM_WS_MAX_FRAME_BYTES
    assert config["ui"] == "http://testserver/static/ui.js"
    assert "error" not in config


def test_loader_is_built():
    """`npm run build` makes static/dist/loader.js; without it no page can co-browse."""
    assert (settings.BASE_DIR / "static" / "dist" / "loader.js").is_file(), "run `npm run build`"


@pytest.mark.parametrize(
    ("query", "error_part"),
    [
        ({"group": "999", "site": "production"}, "No group 999"),
        ({"site": "production"}, "no numeric group"),
        ({"group": "seventy-two"}, "no numeric group"),
        ({"group": "1" * 12}, "no numeric group"),
        ({"group": "72", "site": "nope"}, "no site"),
        ({"group": "72", "site": "staging"}, "disabled"),
    ],
)
@pytest.mark.parametrize("url", LOADER_URLS)
def test_loader_of_an_unknown_group_or_site_reports_the_error(
    client, demo_group, url, query, error_part
):
    response = client.get(url, query)

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    config = inlined_config(response.content.decode())
    assert error_part in config["error"]
    assert "maskSelectors" not in config
    assert "trustedDomains" not in config


def test_loader_defaults_to_the_production_site(client, demo_group):
    config = inlined_config(client.get("/cobrowse/loader.js", {"group": "72"}).content.decode())

    assert config["site"] == "production"
    assert "error" not in config


def test_mask_selector_cannot_end_the_script(client):
    hostile = '</script><script>alert("masks")</script>\n</SCRIPT >\n<!--'
    Group.objects.create(public_id=80, name="Imported", mask_selectors=hostile)
    group = Group.objects.get(public_id=80)
    group.sites.create(name="production")

    response = client.get("/cobrowse/loader.js", {"group": "80", "site": "production"})

    body = response.content.decode()
    assert "</script" not in body.lower()
    assert "<!--" not in body
    assert inlined_config(body)["maskSelectors"] == group.mask_selector_list


def test_site_name_in_the_url_cannot_end_the_script(client, demo_group):
    response = client.get("/cobrowse/loader.js", {"group": "72", "site": "</script><b>x"})

    body = response.content.decode()
    assert "</script" not in body.lower()
    assert inlined_config(body)["site"] == "</script><b>x"


@pytest.mark.parametrize("url", LOADER_URLS)
def test_loader_answers_only_get(client, demo_group, url):
    assert client.post(url + "?group=72").status_code == 405
