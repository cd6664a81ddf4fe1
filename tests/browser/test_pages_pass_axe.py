"""axe-core finds no serious or critical accessibility violation on the agent's dashboard,
the live viewer, and the visitor's consent dialog and panel.

axe-core comes from npm (package.json's devDependencies, `npm ci`); it runs in the page
through the DevTools protocol, which the agent pages' Content-Security-Policy allows."""

import json
from pathlib import Path

from playwright.sync_api import Page, expect

from tests.browser.conftest import log_in, replay

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING = ("serious", "critical")

# The replayed visitor page is the visitor's own site, not Tandem's: axe checks the frame
# element (its title) but does not go into it.
RUN_AXE = """async () => {
  const result = await axe.run(document, { iframes: false, resultTypes: ["violations"] });
  return result.violations.map((v) => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 5).map((n) => n.target.join(" ")),
  }));
}"""


def blocking_violations(page: Page) -> list[dict]:
    assert AXE.is_file(), "axe-core is missing: run `npm ci` (package.json devDependencies)"
    if not page.evaluate("typeof window.axe === 'object'"):
        page.evaluate(AXE.read_text(encoding="utf-8") + "\n;0")
    found = page.evaluate(RUN_AXE)
    return [violation for violation in found if violation["impact"] in BLOCKING]


def assert_accessible(page: Page) -> None:
    violations = blocking_violations(page)
    assert violations == [], json.dumps(violations, indent=1)


def test_the_dashboard_has_no_serious_violation(server, pages_url, open_visitor, new_context):
    key = open_visitor(f"{pages_url}/plain.html").start()
    page = new_context(viewport={"width": 1280, "height": 800}).new_page()
    log_in(page, server)
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(page.locator("#sessions tbody")).to_contain_text(key)  # a row to check too

    assert_accessible(page)


def test_the_viewer_has_no_serious_violation(server, pages_url, open_visitor, open_viewer):
    visitor = open_visitor(f"{pages_url}/plain.html")
    viewer = open_viewer(visitor.start())
    expect(replay(viewer).locator("#heading")).to_have_text("An integrator's page")

    assert_accessible(viewer)


def test_the_visitor_consent_dialog_and_panel_have_no_serious_violation(
    server, pages_url, new_context
):
    # Without motion: axe reads colours mid fade-in as too faint (the panel and dialog fade
    # in over 160 ms).
    page = new_context(reduced_motion="reduce").new_page()
    page.goto(f"{pages_url}/ui.html")
    page.click("#help")
    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_visible()

    assert_accessible(page)

    dialog.get_by_role("button", name="Accept").click()
    panel = page.get_by_role("region", name="Co-browsing")
    expect(panel.get_by_role("button", name="Stop sharing")).to_be_visible()

    assert_accessible(page)
