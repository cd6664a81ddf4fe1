"""The view page a visitor's page embeds to show the sharing agent's screen or camera:
what it tells its script, and which pages the browser lets embed it."""

import json
import re

import pytest

pytestmark = pytest.mark.django_db

URL = "/cobrowse/view/"
ICE = [{"urls": "turn:turn.example.com:3478", "username": "tandem", "credential": "pw"}]


def view_config(response) -> dict:
    match = re.search(
        r'<script id="tandem-view-config" type="application/json">(.*?)</script>',
        response.content.decode(),
    )
    assert match, response.content[:500]
    return json.loads(match[1])


def policy(response) -> dict[str, list[str]]:
    directives = [part.split() for part in response["Content-Security-Policy"].split("; ")]
    return {name: values for name, *values in directives}


@pytest.mark.parametrize("view", ["glance_screenshare", "glance_agentvideo"])
def test_view_page_gets_its_view_group_and_ice_servers(client, demo_group, settings, view):
    settings.TANDEM_ICE_SERVERS = ICE

    response = client.get(URL, {"group": "72", "view": view})

    assert response.status_code == 200
    assert view_config(response) == {
        "view": view,
        "group": 72,
        "iceServers": ICE,
        "trustedDomains": ["127.0.0.1", "localhost"],
    }
    body = response.content.decode()
    assert '<video id="video" autoplay muted playsinline>' in body
    assert "/static/view.js" in body
    assert response["Cache-Control"] == "no-cache"


def test_only_the_groups_trusted_domains_may_embed_the_view(client, demo_group):
    response = client.get(URL, {"group": "72", "view": "glance_screenshare"})

    assert "X-Frame-Options" not in response
    csp = policy(response)
    assert sorted(csp["frame-ancestors"]) == sorted(
        ["http://127.0.0.1:*", "https://127.0.0.1:*", "http://localhost:*", "https://localhost:*"]
    )
    assert csp["default-src"] == ["'none'"]
    assert csp["script-src"] == ["'self'"]
    assert csp["media-src"] == ["'self'", "blob:", "mediastream:"]


@pytest.mark.parametrize("group", ["99", "", "x", "1" * 12])
def test_view_for_an_unknown_group_is_not_found(client, demo_group, group):
    response = client.get(URL, {"group": group, "view": "glance_screenshare"})

    assert response.status_code == 404


@pytest.mark.parametrize("view", ["", "glance_desktop", "GLANCE_SCREENSHARE"])
def test_unknown_view_is_a_bad_request(client, demo_group, view):
    response = client.get(URL, {"group": "72", "view": view})

    assert response.status_code == 400
