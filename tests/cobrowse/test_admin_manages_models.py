"""A superuser manages groups, sites, domains and sessions in the Django admin."""

import pytest

from cobrowse.models import CobrowseSession, SessionEvent

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "url",
    [
        "/admin/cobrowse/group/",
        "/admin/cobrowse/site/",
        "/admin/cobrowse/trusteddomain/",
        "/admin/cobrowse/cobrowsesession/",
    ],
)
def test_superuser_sees_the_list(admin_client, demo_group, url):
    CobrowseSession.objects.create(
        group=demo_group, site=demo_group.sites.get(name="production"), key="424242"
    )

    assert admin_client.get(url).status_code == 200


def test_superuser_sees_a_sessions_timeline(admin_client, demo_group):
    session = CobrowseSession.objects.create(
        group=demo_group, site=demo_group.sites.get(name="production"), key="424242"
    )
    SessionEvent.objects.create(session=session, type="started", actor="visitor")
    SessionEvent.objects.create(session=session, type="agent_joined", actor="agent")

    response = admin_client.get(f"/admin/cobrowse/cobrowsesession/{session.id}/change/")

    assert response.status_code == 200
    assert "Agent Joined" in response.content.decode()


def test_superuser_edits_a_groups_sites_and_domains(admin_client, demo_group):
    response = admin_client.get(f"/admin/cobrowse/group/{demo_group.id}/change/")

    assert response.status_code == 200
    body = response.content.decode()
    assert "staging" in body and "127.0.0.1" in body


def test_anonymous_user_is_sent_to_the_admin_login(client):
    response = client.get("/admin/cobrowse/cobrowsesession/")

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
