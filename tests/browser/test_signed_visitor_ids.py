"""Group 73 requires signed visitor ids: an integrator's page passes the signature its
backend computed, on the script tag or to the Presence.Visitor constructor; a page that
only knows an id is refused and never shows on the dashboard."""

import hashlib
import hmac
import subprocess
import sys
from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import log_in
from tests.servers import ROOT, Server

SECRET = "group-73-browser-secret"
SET_SIGNED = """
from cobrowse.models import Group
Group.objects.filter(public_id=73).update(signed_visitor_ids={on}, visitor_id_secret="{secret}")
"""


def sign(visitor_id: str) -> str:
    """What the integrator's backend does (docs/deploy.md)."""
    return hmac.new(SECRET.encode(), visitor_id.encode(), hashlib.sha256).hexdigest()


def set_signed(server: Server, on: bool) -> None:
    command = SET_SIGNED.format(on=on, secret=SECRET)
    subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "shell", "-c", command],
        env=server.env,
        cwd=ROOT,
        check=True,
        capture_output=True,
    )


@pytest.fixture
def signed_group(server) -> Iterator[None]:
    set_signed(server, True)
    yield
    set_signed(server, False)


def dashboard_of_group_73(new_context, server) -> Page:
    page = new_context().new_page()
    log_in(page, server, "outsider")
    expect(page.locator("#sessions")).to_have_attribute("data-ready", "true")
    return page


@pytest.mark.parametrize("via", ["tag", "api"])
def test_a_page_with_the_signed_id_shows_on_the_dashboard(
    signed_group, server, pages_url, open_visitor, new_context, via
):
    agent = dashboard_of_group_73(new_context, server)

    open_visitor(
        f"{pages_url}/presence-signed.html?via={via}&id=signed-{via}&sig={sign(f'signed-{via}')}"
    )

    expect(agent.locator(f"#visitors tr[data-visitor='73:signed-{via}']")).to_have_count(1)


@pytest.mark.parametrize("sig", ["", "0" * 64])
def test_a_page_that_only_knows_the_id_is_refused(
    signed_group, server, pages_url, open_visitor, new_context, sig
):
    agent = dashboard_of_group_73(new_context, server)
    expect(agent.locator("#visitors tbody tr")).to_have_count(0)
    # The real visitor is online; a script names its id without the signature.
    open_visitor(f"{pages_url}/presence-signed.html?via=api&id=victim&sig={sign('victim')}")
    expect(agent.locator("#visitors tr[data-visitor='73:victim']")).to_have_count(1)

    page = open_visitor(f"{pages_url}/presence-signed.html?via=api&id=victim&sig={sig}").page

    page.wait_for_function("() => window.errors.length > 0")
    assert [error["code"] for error in page.evaluate("window.errors")] == ["forbidden"]
    expect(agent.locator("#visitors tbody tr")).to_have_count(1)
