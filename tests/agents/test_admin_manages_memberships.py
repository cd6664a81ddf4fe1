"""A superuser makes users agents of groups in the Django admin."""

import pytest

pytestmark = pytest.mark.django_db


def test_superuser_sees_the_memberships(admin_client, agent, outsider):
    response = admin_client.get("/admin/agents/membership/")

    assert response.status_code == 200
    body = response.content.decode()
    assert "agent in 72" in body and "outsider in 73" in body


def test_superuser_opens_a_membership(admin_client, agent):
    membership = agent.memberships.get()

    assert admin_client.get(f"/admin/agents/membership/{membership.id}/change/").status_code == 200
