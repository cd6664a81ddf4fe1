"""A page bigger than any frame limit still mirrors: snapshots and batches are chunked."""

import json

from playwright.sync_api import expect

from tests.browser.conftest import replay


def test_snapshot_and_mutation_larger_than_the_frame_limit_reach_the_agent(
    server, pages_url, open_visitor, open_viewer
):
    visitor = open_visitor(f"{pages_url}/big.html")
    key = visitor.start()
    viewer = open_viewer(key)
    mirror = replay(viewer)
    expect(mirror.locator("#item-2999")).to_contain_text("2999 Ä paper weight")

    visitor.page.evaluate("window.addMany()")
    expect(mirror.locator("#added p")).to_have_count(2000)

    frames = [json.loads(text) for text in visitor.sent]
    chunked = [f for f in frames if f.get("parts", 1) > 1]
    assert {f["t"] for f in chunked} == {"snap", "ev"}
    assert max(len(text.encode()) for text in visitor.sent) <= 256 * 1024
    expect(viewer.locator("#viewer")).to_have_attribute("data-state", "live")


def test_a_batch_of_multibyte_text_is_chunked_by_bytes_not_characters(
    server, pages_url, open_visitor, open_viewer
):
    visitor = open_visitor(f"{pages_url}/big.html")
    key = visitor.start()
    viewer = open_viewer(key)
    mirror = replay(viewer)
    expect(mirror.locator("#item-2999")).to_be_attached()

    visitor.page.evaluate("window.addWide()")

    expect(mirror.locator("#wide p")).to_have_count(300)
    expect(mirror.locator("#wide p").last).to_have_text("299 " + "漢字かな😀🚲€ " * 60)
    assert max(len(text.encode()) for text in visitor.sent) <= 256 * 1024
    expect(viewer.locator("#viewer")).to_have_attribute("data-state", "live")
