"""An agent types a session key into the dashboard's join form."""

import pytest

from cobrowse.models import CobrowseSession

pytestmark = pytest.mark.django_db


@pytest.fixture
def agent_client(client, agent):
    client.force_login(agent)
    return client


@pytest.mark.parametrize("key", ["123456", "59204gh-42", "cust_7", "k" * 50])
def test_agent_is_sent_to_the_viewer_of_the_key(agent_client, key):
    response = agent_client.get("/agent/join/", {"key": f" {key} "})

    assert (response.status_code, response["Location"]) == (302, f"/agent/session/{key}/")


@pytest.mark.parametrize("key", ["59204gh-42", "cust_7", "k" * 50])
def test_viewer_page_opens_for_a_key_in_glances_format(agent_client, key):
    response = agent_client.get(f"/agent/session/{key}/")

    assert response.status_code == 200
    assert f"Session {key}" in response.content.decode()


@pytest.mark.parametrize("key", ["bad!", "", "1" * 51, "a.b", "<script>"])
def test_key_outside_glances_format_is_refused(agent_client, key):
    response = agent_client.get("/agent/join/", {"key": key})

    assert response.status_code == 400
    assert "1-50 letters, digits, &#x27;-&#x27; or &#x27;_&#x27;" in response.content.decode()
    assert "<script>" not in response.content.decode()


def _live(group, key: str) -> None:
    CobrowseSession.objects.create(group=group, site=group.sites.get(name="production"), key=key)


@pytest.mark.parametrize("typed", ["203 218", " 203  218 ", "203-218", "2 0 3-2 1 8"])
def test_key_typed_as_the_visitor_panel_shows_it_joins(agent_client, demo_group, typed):
    _live(demo_group, "203218")

    response = agent_client.get("/agent/join/", {"key": typed})

    assert (response.status_code, response["Location"]) == (302, "/agent/session/203218/")


def test_key_with_a_dash_of_its_own_joins_as_typed(agent_client, demo_group):
    _live(demo_group, "203-218")
    _live(demo_group, "203218")

    response = agent_client.get("/agent/join/", {"key": "203-218"})

    assert response["Location"] == "/agent/session/203-218/"


def test_key_not_live_yet_goes_to_the_viewer_without_separators(agent_client):
    response = agent_client.get("/agent/join/", {"key": "203 218"})

    assert response["Location"] == "/agent/session/203218/"


def test_refused_key_stays_in_the_field(agent_client):
    response = agent_client.get("/agent/join/", {"key": "12.34"})

    assert response.status_code == 400
    assert 'value="12.34"' in response.content.decode()
