"""The agent's replay loads the visitor page's self-hosted fonts and external SVG sprites
(which the site serves without CORS headers) through Tandem's asset proxy, and sits on
whole pixels."""

from pathlib import Path

import pytest
import rest_framework
from playwright.sync_api import expect

from tests.browser.conftest import replay
from tests.sites import Reply, serve_site

# Any small web font will do: Django REST framework ships one (Apache 2.0).
FONT = Path(rest_framework.__file__).parent / "static/rest_framework/fonts"
FONT_FILE = FONT / "glyphicons-halflings-regular.woff2"

PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Fonts and sprites</title>
<script id="glance-cobrowse" src="{tandem}/cobrowse/CobrowseJS.ashx?group=72&site=production"
        data-groupid="72" data-site="production"></script>
<style>
  @font-face {{ font-family: "Probe"; src: url("/probe.woff2") format("woff2"); }}
  #text {{ font-family: "Probe", monospace; }}
</style></head>
<body>
  <p id="text">Self-hosted font</p>
  <svg width="40" height="40"><use id="icon" href="/icons.svg#x"></use></svg>
  <img id="logo" src="/logo.svg" width="20" height="20" alt="">
</body></html>
"""
SPRITE = b"""<svg xmlns="http://www.w3.org/2000/svg"><symbol id="x" viewBox="0 0 10 10">
<rect width="10" height="10" fill="red"/></symbol></svg>"""
LOGO = SPRITE.replace(b"<symbol", b"<g").replace(b"symbol>", b"g>")


@pytest.fixture
def shop(server):
    """The visitor's site on 127.0.0.1 (trusted by group 72), without any CORS header."""
    routes = {
        "/page.html": Reply(PAGE.format(tandem=server.url).encode(), "text/html"),
        "/probe.woff2": Reply(FONT_FILE.read_bytes(), "font/woff2"),
        "/icons.svg": Reply(SPRITE, "image/svg+xml"),
        "/logo.svg": Reply(LOGO, "image/svg+xml"),
    }
    with serve_site(routes) as site:
        yield site


FONT_LOADED = """() => {
  const doc = document.querySelector('#viewer .stage iframe').contentDocument;
  return [...doc.fonts].some(
    (f) => f.family.replace(/"/g, '') === 'Probe' && f.status === 'loaded');
}"""
SPRITE_DRAWN = """() => {
  const doc = document.querySelector('#viewer .stage iframe').contentDocument;
  const use = doc.querySelector('#icon');
  return !!use && use.getBBox().width > 0;
}"""


def test_self_hosted_font_and_external_sprite_show_in_the_replay(
    server, shop, open_visitor, open_viewer
):
    visitor = open_visitor(f"{shop.url}/page.html")
    visitor.page.wait_for_function("document.fonts.check('12px Probe')")
    key = visitor.start()

    viewer = open_viewer(key)
    expect(replay(viewer).locator("#text")).to_have_text("Self-hosted font")

    viewer.wait_for_function(FONT_LOADED)
    viewer.wait_for_function(SPRITE_DRAWN)
    viewer.wait_for_function(
        "() => document.querySelector('#viewer .stage iframe').contentDocument"
        ".querySelector('#logo').naturalWidth > 0"
    )
    # The visitor's browser fetched them itself; Tandem fetched them for the agent.
    proxied = {
        request["path"]
        for request in shop.requests
        if request["headers"].get("User-Agent") == "Tandem-asset-proxy"
    }
    assert {"/probe.woff2", "/icons.svg", "/logo.svg"} <= proxied


def test_replay_frame_sits_on_whole_pixels(server, pages_url, open_visitor, open_viewer):
    visitor = open_visitor(f"{pages_url}/plain.html", viewport={"width": 1023, "height": 699})
    key = visitor.start()

    viewer = open_viewer(key, viewport={"width": 1201, "height": 803})
    expect(replay(viewer).locator("#heading")).to_be_visible()
    viewer.wait_for_function("document.querySelector('#viewer').dataset.viewport === '1023x699'")

    box = viewer.evaluate(
        "(() => { const r = document.querySelector('#viewer .stage iframe')"
        ".getBoundingClientRect(); return [r.x, r.y]; })()"
    )
    assert box == [round(box[0]), round(box[1])], box
