"""An agent types a session key into the dashboard's join form."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.fixture
def agent_client(client, agent):
    client.force_login(agent)
    return client


def test_agent_is_sent_to_the_viewer_of_the_key(agent_client):
    response = agent_client.get("/agent/join/", {"key": " 123456 "})

    assert (response.status_code, response["Location"]) == (302, "/agent/session/123456/")


@pytest.mark.parametrize("key", ["bad!", "", "12 34", "1" * 33, "<script>"])
def test_key_that_is_not_letters_and_digits_is_refused(agent_client, key):
    response = agent_client.get("/agent/join/", {"key": key})

    assert response.status_code == 400
    assert "1-32 letters or digits" in response.content.decode()
    assert "<script>" not in response.content.decode()
