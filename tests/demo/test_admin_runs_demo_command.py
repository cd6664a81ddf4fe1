"""An admin runs `manage.py demo` to set up the demo group 72 and its agent."""

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from agents.models import Membership
from cobrowse.models import Group, Site, TrustedDomain

pytestmark = pytest.mark.django_db


def demo(*args: str) -> str:
    out = StringIO()
    call_command("demo", *args, stdout=out)
    return out.getvalue()


def test_demo_command_creates_the_demo_group_once(client):
    demo()
    demo()

    group = Group.objects.get()
    assert group.public_id == 72
    assert [s.name for s in Site.objects.all()] == ["production"]
    assert Site.objects.get().enabled
    assert sorted(TrustedDomain.objects.values_list("pattern", flat=True)) == [
        "127.0.0.1",
        "localhost",
    ]
    membership = Membership.objects.get()
    assert (membership.user.username, membership.group, membership.role) == (
        "agent",
        group,
        Membership.Role.ADMIN,
    )
    assert group.mask_selector_list == [".demo-private"]


def test_demo_command_sets_the_password_it_is_given():
    output = demo("--password", "tandem-test-pass")

    assert get_user_model().objects.get(username="agent").check_password("tandem-test-pass")
    assert "agent / tandem-test-pass" in output


def test_demo_command_without_password_keeps_the_agents_password():
    demo("--password", "tandem-test-pass")

    output = demo()

    assert get_user_model().objects.get(username="agent").check_password("tandem-test-pass")
    assert "unchanged" in output


def test_demo_command_gives_a_new_agent_a_random_password():
    demo()

    agent = get_user_model().objects.get(username="agent")
    assert agent.has_usable_password()
