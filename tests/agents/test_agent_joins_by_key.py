"""An agent types a session key into the dashboard's join form."""

import pytest

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


@pytest.mark.parametrize("key", ["bad!", "", "12 34", "1" * 51, "a.b", "<script>"])
def test_key_outside_glances_format_is_refused(agent_client, key):
    response = agent_client.get("/agent/join/", {"key": key})

    assert response.status_code == 400
    assert "1-50 letters, digits, &#x27;-&#x27; or &#x27;_&#x27;" in response.content.decode()
    assert "<script>" not in response.content.decode()
