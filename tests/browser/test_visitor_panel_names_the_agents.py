"""The visitor's panel says who is watching by name: "Ana is viewing", "Ana and Ben are
viewing", and follows agents as they come and go, on every page of the session."""

import subprocess
import sys

import pytest
from playwright.sync_api import expect

from tests.servers import PASSWORD, ROOT, Server

AGENTS = f"""
from django.contrib.auth import get_user_model
from agents.models import Membership
from cobrowse.models import Group
demo = Group.objects.get(public_id=72)
for username, first, last in [("ana", "Ana", "Alvarez"), ("ben", "", "Ben Brown")]:
    user, _ = get_user_model().objects.get_or_create(username=username)
    user.first_name, user.last_name = first, last
    user.set_password("{PASSWORD}")
    user.save()
    Membership.objects.get_or_create(user=user, group=demo)
"""


def django_shell(server: Server, command: str) -> None:
    """Run `command` in the server's database, as an operator's `manage.py shell` would."""
    subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "shell", "-c", command],
        env=server.env,
        cwd=ROOT,
        check=True,
        capture_output=True,
    )


@pytest.fixture(scope="module")
def named_agents(server) -> None:
    """Agents `ana` (first name Ana) and `ben` (no first name; full name "Ben Brown")."""
    django_shell(server, AGENTS)


def test_panel_names_the_agents_who_view_and_follows_them(
    named_agents, server, open_visitor, open_viewer
):
    visitor = open_visitor(f"{server.url}/demo/")
    page = visitor.page
    key = visitor.start()
    status = page.get_by_role("region", name="Co-browsing")
    expect(status).to_contain_text("No agent yet")

    ana = open_viewer(key, username="ana")
    expect(status).to_contain_text("Ana is viewing")
    ben = open_viewer(key, username="ben")
    # No first name: the full name.
    expect(status).to_contain_text("Ana and Ben Brown are viewing")
    expect(page.locator("[aria-live=polite]")).to_have_text("Ana and Ben Brown are viewing")

    # The next page of the session knows who is watching from the start.
    page.get_by_role("link", name="Checkout").click()
    page.wait_for_url("**/demo/checkout/")
    expect(status).to_contain_text("Ana and Ben Brown are viewing")

    ana.get_by_role("button", name="Leave").click()
    expect(status).to_contain_text("Ben Brown is viewing")
    ben.close()
    expect(status).to_contain_text("No agent yet")
