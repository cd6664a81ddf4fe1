"""A browser fetches Tandem's scripts compressed (brotli or gzip, as it accepts), from the
running server as a visitor's page does; without the header it gets them plain."""

import gzip
import urllib.request

import pytest


def fetch(url: str, encoding: str | None) -> tuple[dict[str, str], bytes]:
    headers = {"Accept-Encoding": encoding} if encoding else {}
    with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=10) as r:
        return {k.lower(): v for k, v in r.headers.items()}, r.read()


@pytest.mark.parametrize("bundle", ["recorder.js", "ui.js", "viewer.js"])
def test_a_bundle_goes_out_gzipped_to_a_browser_that_accepts_gzip(server, bundle):
    url = f"{server.url}/static/{bundle}"
    plain_headers, plain = fetch(url, None)
    headers, body = fetch(url, "gzip")

    assert "content-encoding" not in plain_headers
    assert headers["content-encoding"] == "gzip"
    assert "Accept-Encoding" in headers["vary"]
    assert gzip.decompress(body) == plain
    assert len(body) < len(plain) / 2


def test_a_bundle_goes_out_as_brotli_to_a_browser_that_accepts_it(server):
    headers, body = fetch(f"{server.url}/static/recorder.js", "gzip, deflate, br")
    _, plain = fetch(f"{server.url}/static/recorder.js", None)

    assert headers["content-encoding"] == "br"
    assert len(body) < len(plain) / 2


@pytest.mark.parametrize(
    "path",
    [
        "/cobrowse/loader.js?group=72&site=production",
        "/cobrowse/CobrowseJS.ashx?group=72&site=production",
        "/cobrowse/GlanceCobrowseInvokeVisitor.js",
    ],
)
def test_the_loader_urls_go_out_gzipped(server, path):
    _, plain = fetch(f"{server.url}{path}", None)
    headers, body = fetch(f"{server.url}{path}", "gzip, deflate, br")

    assert headers["content-encoding"] == "gzip"
    assert headers["content-type"].startswith("text/javascript")
    assert gzip.decompress(body) == plain
