"""An agent opens the dashboard and the viewer pages; anonymous users are sent to log in."""

import json
import re

import pytest

pytestmark = pytest.mark.django_db


@pytest.fixture
def agent_client(client, agent):
    client.force_login(agent)
    return client


@pytest.mark.parametrize("url", ["/agent/", "/agent/session/123456/", "/agent/join/?key=123456"])
def test_anonymous_user_is_sent_to_log_in(client, url):
    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


@pytest.mark.parametrize("url", ["/agent/", "/agent/session/123456/", "/accounts/login/"])
def test_agent_pages_run_only_tandems_own_scripts(agent_client, url):
    response = agent_client.get(url)

    assert response.status_code == 200
    policy = dict(
        directive.strip().split(" ", 1)
        for directive in response["Content-Security-Policy"].split(";")
    )
    assert policy["script-src"] == "'self'"
    assert policy["object-src"] == "'none'"
    assert policy["frame-ancestors"] == "'none'"
    body = response.content.decode()
    # JSON data blocks (json_script) are not run; any other inline script would be.
    inline = r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>"
    assert not re.search(inline, body), "inline script under CSP"


def test_dashboard_greets_the_agent(agent_client):
    body = agent_client.get("/agent/").content.decode()

    assert "agent" in body
    assert "not an agent of any group" not in body


def test_user_of_no_group_is_told_so(client, django_user_model):
    client.force_login(django_user_model.objects.create_user(username="shopper"))

    body = client.get("/agent/").content.decode()

    assert "not an agent of any group" in body


def test_viewer_page_names_its_session(agent_client):
    body = agent_client.get("/agent/session/123456/").content.decode()

    assert 'data-key="123456"' in body


def test_viewer_page_carries_the_ice_servers_for_screen_share(agent_client, settings):
    settings.TANDEM_ICE_SERVERS = [{"urls": "turn:turn.example.com:3478"}]

    body = agent_client.get("/agent/session/123456/").content.decode()

    match = re.search(
        r'<script id="tandem-ice-servers" type="application/json">(.*?)</script>', body
    )
    assert match and json.loads(match[1]) == [{"urls": "turn:turn.example.com:3478"}]


@pytest.mark.parametrize("key", ["12.34", "12%2034", "1" * 51])
def test_viewer_of_a_malformed_key_does_not_exist(agent_client, key):
    # Glance's keys are 1-50 letters, digits, "-" and "_": anything else names no session.
    assert agent_client.get(f"/agent/session/{key}/").status_code == 404


@pytest.mark.parametrize("url", ["/agent/", "/agent/session/123456/", "/accounts/login/"])
def test_agent_pages_load_images_fonts_styles_and_media_only_from_tandem(agent_client, url):
    response = agent_client.get(url)

    policy = dict(
        directive.strip().split(" ", 1)
        for directive in response["Content-Security-Policy"].split(";")
    )
    for directive in ["img-src", "font-src", "media-src"]:
        assert set(policy[directive].split()) == {"'self'", "data:", "blob:"}, directive
    assert set(policy["style-src"].split()) == {"'self'", "'unsafe-inline'"}
    assert policy["default-src"] == "'self'"


def test_pages_outside_the_agents_get_no_agent_policy(client):
    assert "Content-Security-Policy" not in client.get("/cobrowse/loader.js?group=72")
