"""The agent's pages that show visitor content send `Referrer-Policy: no-referrer`: the
replay's images and stylesheets (and what those stylesheets load) are asked for without a
Referer, nothing is asked of anyone but Tandem, and Log out still works from every such
page.

Chromium sends the document's URL as Referer with what inline CSS (a `<style>` element or
a style attribute) loads whatever the policy says, even in a top-level page that sets it
by header and `<meta>`. Those requests go to Tandem's own asset proxy only (the CSP allows
nothing else), which never passes a Referer on."""

import re
from urllib.parse import unquote

import pytest
from playwright.sync_api import Page, Request, expect

from tests.browser.conftest import log_in, replay
from tests.sites import Reply, serve_site

PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360f8ffff3f0005fe02fea7d6a4f70000000049454e44ae426082"
)
PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Referrers</title>
<script id="glance-cobrowse" src="{tandem}/cobrowse/CobrowseJS.ashx?group=72&site=production"
        data-groupid="72" data-site="production"></script>
<link rel="stylesheet" href="{cdn}/linked.css">
<style>#inline {{ width: 10px; height: 10px; background: url("/inline-bg.png"); }}</style>
</head>
<body>
  <h1 id="heading">Referrers</h1>
  <img id="logo" src="/logo.png" width="10" height="10" alt="">
  <div id="inline"></div><div id="linked"></div>
</body></html>
"""
LINKED_CSS = b"#linked { width: 10px; height: 10px; background: url(linked-bg.png); }"
ASKED = ["logo.png", "inline-bg.png", "linked.css", "linked-bg.png"]


@pytest.fixture
def shop(server):
    """The visitor's site on 127.0.0.1 (trusted by group 72), its stylesheet on another
    port, without CORS: the recorder cannot read it, so the replay loads it (through the
    proxy) and the sheet loads its own image."""
    cdn_routes = {
        "/linked.css": Reply(LINKED_CSS, "text/css"),
        "/linked-bg.png": Reply(PNG, "image/png"),
    }
    with serve_site(cdn_routes) as cdn:
        page = PAGE.format(tandem=server.url, cdn=cdn.url).encode()
        routes = {
            "/page.html": Reply(page, "text/html"),
            "/logo.png": Reply(PNG, "image/png"),
            "/inline-bg.png": Reply(PNG, "image/png"),
        }
        with serve_site(routes) as site:
            yield site, cdn


def requests_of(page: Page) -> dict[str, Request]:
    """Each request the page (and its frames) makes, by URL."""
    seen: dict[str, Request] = {}
    page.on("request", lambda request: seen.setdefault(request.url, request))
    return seen


def referer(request: Request) -> str | None:
    """The Referer the request went out with (as sent, not as first planned)."""
    return request.all_headers().get("referer")


def test_the_replays_images_and_styles_are_asked_for_without_a_referer(
    server, shop, open_visitor, new_context
):
    shop_sites = shop
    visitor = open_visitor(f"{shop[0].url}/page.html")
    key = visitor.start()
    viewer = new_context(viewport={"width": 1200, "height": 800}).new_page()
    log_in(viewer, server)
    seen = requests_of(viewer)

    response = viewer.goto(f"{server.url}/agent/session/{key}/")
    expect(replay(viewer).locator("#heading")).to_have_text("Referrers")
    viewer.wait_for_function(
        "(n) => document.querySelector('#viewer .stage iframe').contentWindow.performance"
        ".getEntriesByType('resource').filter((e) => e.name.includes('/cobrowse/asset/'))"
        ".length >= n",
        arg=len(ASKED),
    )

    assert response.headers["referrer-policy"] == "no-referrer"
    assert [url for url in seen if not url.startswith(server.url)] == []
    proxied = {unquote(url).rsplit("/", 1)[1]: url for url in seen if "/cobrowse/asset/" in url}
    assert set(ASKED) <= set(proxied)
    # The image, the stylesheet and what the stylesheet loads: no Referer.
    for name in ["logo.png", "linked.css", "linked-bg.png"]:
        assert referer(seen[proxied[name]]) is None, name
    # Inline CSS's image (see above): at most Tandem's own page, to Tandem's own proxy.
    assert (referer(seen[proxied["inline-bg.png"]]) or server.url).startswith(server.url)
    # And the proxy tells the sites nothing of where it was asked from.
    by_proxy = [
        request["headers"]
        for site in shop_sites
        for request in site.requests
        if request["headers"].get("User-Agent") == "Tandem-asset-proxy"
    ]
    assert by_proxy and [headers for headers in by_proxy if "Referer" in headers] == []


@pytest.mark.parametrize("where", ["dashboard", "viewer"])
def test_log_out_works_from_every_page_without_referrers(server, new_context, open_visitor, where):
    page = new_context().new_page()
    log_in(page, server)
    if where == "viewer":
        key = open_visitor(f"{server.url}/demo/").start()
        response = page.goto(f"{server.url}/agent/session/{key}/")
        expect(page.locator("#viewer")).to_have_attribute("data-state", "live")
    else:
        response = page.goto(f"{server.url}/agent/")
    assert response.headers["referrer-policy"] == "no-referrer"

    with page.expect_request(re.compile(r"/accounts/logout/$")) as posted:
        page.get_by_role("button", name="Log out").click()
    page.wait_for_url(re.compile(r"/accounts/login/"))

    assert posted.value.method == "POST"
    assert posted.value.all_headers().get("origin") == server.url
    expect(page.get_by_role("heading", name="Agent log in")).to_be_visible()
    page.goto(f"{server.url}/agent/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/agent/$"))
