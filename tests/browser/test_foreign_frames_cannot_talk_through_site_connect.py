"""Who may talk to whom on a site_connect page: no other frame passes for either side, and
a page of an untrusted domain cannot embed the site-connect frame."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import (
    IN_SESSION,
    frame_element,
    ready_code,
    seen,
    site_connect_frame,
    wait_seen,
)


@pytest.mark.parametrize("evil", ["untrusted_pages_url", "other_pages_url"])
def test_another_frame_on_the_page_cannot_pass_for_either_side(
    site_connect_page, server, request, evil
):
    """An advert's iframe, of an untrusted origin or even a trusted one, posts messages
    shaped like site_connect's to the page and to the site-connect frame."""
    page = site_connect_page()
    logs: list[str] = []
    page.on("console", lambda message: logs.append(message.text))
    ready_code(page)
    evil_url = f"{request.getfixturevalue(evil)}/siteconnect-evil.html"
    page.evaluate(
        """(url) => new Promise((resolve) => {
             const advert = document.createElement('iframe');
             advert.src = url;
             advert.onload = resolve;
             document.body.append(advert);
           })""",
        evil_url,
    )
    advert = page.frame(url=evil_url)

    # Listeners of the test's, added after site_connect's own: once they have seen the
    # forged messages, site_connect has handled them.
    page.evaluate(
        """(tandem) => { window.forged = 0; addEventListener('message', (e) => {
             if (e.data && e.data['tandem.siteconnect'] && e.origin !== tandem)
               window.forged += 1; }); }""",
        server.url,
    )
    frame = site_connect_frame(page)
    frame.evaluate(
        """() => { window.forged = 0; addEventListener('message', (e) => {
             if (e.data && e.data['tandem.siteconnect'] && e.source !== parent)
               window.forged += 1; }); }"""
    )

    advert.evaluate("attackPage()")
    advert.evaluate("attackFrame()")

    page.wait_for_function("() => window.forged === 3")
    frame.wait_for_function("() => window.forged === 3")
    # A message of the page's own after the forged ones still works.
    page.evaluate("site_connect.publish('~pagesession/show_frame', {after: 'attack'})")
    wait_seen(page, "~pagesession/show_frame", {"after": "attack"})
    expect(frame_element(page)).to_be_visible()
    assert sum("not Tandem's site-connect frame" in line for line in logs) == 3
    assert sum("frame ignored a message" in line for line in logs) == 3
    assert "666666" not in [ready["code"] for ready in seen(page, "~/site_connect/ready")]
    assert page.evaluate(IN_SESSION) is False
    expect(frame.locator("#messages")).not_to_contain_text("pwned")


def test_a_page_of_an_untrusted_domain_gets_error_and_cannot_embed_the_frame(
    server, untrusted_pages_url, new_context
):
    page = new_context().new_page()
    sockets: list[str] = []
    page.on("websocket", lambda ws: sockets.append(ws.url))

    page.goto(f"{untrusted_pages_url}/siteconnect.html")

    wait_seen(page, "~/site_connect/error")
    [error] = seen(page, "~/site_connect/error")
    origin = untrusted_pages_url.split("/", 3)[:3]
    assert "/".join(origin) in error["reason"] and "trusted" in error["reason"]
    assert page.locator("iframe").count() == 0
    # Embedding the frame by hand is refused by the browser (frame-ancestors).
    with page.expect_console_message(lambda m: "frame-ancestors" in m.text):
        page.evaluate(
            """(src) => { const f = document.createElement("iframe"); f.src = src;
                          document.body.append(f); }""",
            f"{server.url}/cobrowse/site-connect/frame/?group=72&site=production",
        )
    assert not [url for url in sockets if "/ws/presence/" in url or "/ws/status/" in url]
    assert seen(page, "~/site_connect/ready") == []
