"""Masked content never leaves the visitor's browser: checked on every frame it sent."""

import re

from playwright.sync_api import expect

from tests.browser.conftest import replay

PASSWORD = "hunter2-Zebra!"
CARD = "4111111111111111"
CSC = "737"


def leaked(secret: str, text: str) -> bool:
    """True when `secret` appears in `text` other than inside a longer number (a three-digit
    card code turns up in millisecond timestamps by chance)."""
    return re.search(rf"(?<![0-9]){re.escape(secret)}(?![0-9])", text) is not None


def _viewer_html(viewer) -> str:
    return (
        viewer.locator("#viewer .stage iframe")
        .content_frame.locator("html")
        .evaluate("el => el.outerHTML")
    )


def test_checkout_password_and_card_never_leave_the_page(server, open_visitor, open_viewer):
    visitor = open_visitor(f"{server.url}/demo/checkout/")
    key = visitor.start()
    viewer = open_viewer(key)
    mirror = replay(viewer)

    page = visitor.page
    page.fill("#name", "Ada Lovelace")
    page.type("#password", PASSWORD)
    page.type("#card-number", CARD)
    page.type("#card-csc", CSC)
    page.fill("#card-exp", "12/29")
    # The ordinary field is mirrored: the masked ones were typed before it, so their
    # frames (had there been any) would already have been sent and relayed.
    page.type("#email", "ada@example.org")
    expect(mirror.locator("#email")).to_have_value("ada@example.org")
    expect(mirror.locator("#name")).to_have_value("Ada Lovelace")

    sent = visitor.sent_text()
    assert "ada@example.org" in sent  # the tap sees what was sent
    for secret in [PASSWORD, CARD, CSC, "12/29", "4417 2231 9001", "12 Birch Lane"]:
        assert not leaked(secret, sent), secret
    html = _viewer_html(viewer)
    for secret in [PASSWORD, CARD, CSC, "4417 2231 9001", "12 Birch Lane"]:
        assert not leaked(secret, html), secret
    # Masked fields are there, as empty boxes marked so the agent sees they are masked:
    # password, three card fields, the group's .demo-private and the [data-tandem-mask] block.
    expect(mirror.locator("[data-tandem-masked]")).to_have_count(6)
    expect(mirror.locator("input[data-tandem-masked]").first).to_have_value("")


def test_no_leak_family_reaches_the_wire(server, pages_url, open_visitor, open_viewer):
    visitor = open_visitor(f"{pages_url}/leaks.html")
    key = visitor.start()
    viewer = open_viewer(key)
    mirror = replay(viewer)
    page = visitor.page

    page.type("#controlled", "SECRET-CONTROLLED-21")
    page.type("#toggle", "SECRET-TOGGLE-22")
    page.click("#show")
    page.type("#toggle", "-SECRET-TOGGLE-23")
    page.locator("#host").locator("#shadow-pass").type("SECRET-SHADOW-PASS-24")
    page.evaluate("window.later()")
    page.type("#plain", "visible-after-all")
    expect(mirror.locator("#plain")).to_have_value("visible-after-all")
    expect(mirror.locator("#host").locator("p")).to_have_text("shadow ok")
    expect(mirror.frame_locator("#srcdoc").locator("p")).to_have_text("frame ok")

    sent = visitor.sent_text()
    leaked = sorted(set(re.findall(r"SECRET-[A-Z-]+\d+", sent)))
    assert leaked == []
    assert "SECRET" not in _viewer_html(viewer)


def test_masking_needs_no_help_from_the_agent_side(server, pages_url, open_visitor):
    """Even with no agent watching, the initial snapshot already carries nothing masked."""
    visitor = open_visitor(f"{pages_url}/leaks.html")
    visitor.start()
    visitor.page.wait_for_function("document.readyState === 'complete'")
    visitor.page.evaluate("window.later()")
    visitor.page.type("#plain", "done")
    visitor.page.wait_for_function("true")
    assert "SECRET" not in visitor.sent_text()


def test_card_and_password_fields_are_masked_by_any_token_and_by_their_past(
    server, pages_url, open_visitor, open_viewer
):
    visitor = open_visitor(f"{pages_url}/autocomplete.html")
    page = visitor.page
    # Before any session: the visitor types a password, shows it as text, and the page
    # turns another field into a password and back.
    page.type("#shown", "SECRET-SHOWN-40")
    page.click("#show")
    page.evaluate("window.toggleTwice()")
    page.type("#twice", "SECRET-TWICE-41")
    page.select_option("#exp-month", "SECRET-MONTH-31")
    page.type("#billing-card", "SECRET-BILLING-42")
    key = visitor.start()
    viewer = open_viewer(key)
    mirror = replay(viewer)

    page.type("#section-card", "SECRET-SECTION-43")
    page.type("#tab-csc", "SECRET-CSC-44")
    page.type("#card-name", "SECRET-NAME-45")
    page.select_option("#exp-month", "SECRET-MONTH-33")
    page.type("#current", "SECRET-CURRENT-46")
    page.type("#new", "SECRET-NEW-47")
    page.type("#otp", "SECRET-OTP-48")
    page.type("#shown", "-SECRET-SHOWN-49")
    page.type("#twice", "-SECRET-TWICE-50")
    page.type("#plain", "visible-after-all")
    expect(mirror.locator("#plain")).to_have_value("visible-after-all")

    sent = visitor.sent_text()
    assert sorted(set(re.findall(r"SECRET-[A-Z-]+\d+", sent))) == []
    assert "SECRET" not in _viewer_html(viewer)
    # Each of the ten fields is there as an empty box marked masked (ids are not sent).
    expect(mirror.locator("[data-tandem-masked]")).to_have_count(10)
