"""The visitor's page paints its canvases during a session: the agent sees each WebGL and
2D change, and a canvas the group masks never leaves the visitor's browser, in any frame."""

from tests.browser.test_replay_fidelity import (
    canvas_ids,
    replay_pixel,
    sent_events,
    wait_for_replay_pixel,
)

CANVAS_MUTATION = 9


def test_each_webgl_change_reaches_the_agent(pages_url, open_visitor, open_viewer):
    visitor = open_visitor(f"{pages_url}/fidelity.html")
    visitor.page.evaluate("paintGl(10, 20, 30)")
    viewer = open_viewer(visitor.start())
    wait_for_replay_pixel(viewer, "gl", "10,20,30,255")  # in the snapshot

    for r, g, b in [(200, 30, 30), (30, 200, 30), (30, 30, 200), (250, 250, 250)]:
        visitor.page.evaluate(f"paintGl({r}, {g}, {b})")
        wait_for_replay_pixel(viewer, "gl", f"{r},{g},{b},255", x=150, y=80)


def test_masked_canvases_never_leave_the_visitors_browser(pages_url, open_visitor, open_viewer):
    visitor = open_visitor(f"{pages_url}/fidelity.html")
    visitor.page.evaluate("paintSecret(); paintSecretGl(1, 2, 3); paintGl(0, 0, 255)")
    viewer = open_viewer(visitor.start())
    wait_for_replay_pixel(viewer, "gl", "0,0,255,255")
    # Both masked canvases change while the agent watches; so does one it may see.
    for n in range(3):
        visitor.page.evaluate(f"paintSecret(); paintSecretGl({n}, 2, 3); paintGl(255, {n}, 0)")
        wait_for_replay_pixel(viewer, "gl", f"255,{n},0,255")

    events = sent_events(visitor)
    snapshots = [e for e in events if e["type"] == 2]
    assert snapshots
    for snapshot in snapshots:
        # The masked ones are placeholders: no id, no picture.
        shown = canvas_ids(snapshot["data"]["node"], {})
        assert "secret" not in shown and "secret-gl" not in shown
        assert set(shown) >= {"chart", "gl"}
    painted = {
        e["data"]["id"] for e in events if e["type"] == 3 and e["data"]["source"] == CANVAS_MUTATION
    }
    allowed = {
        canvas_ids(s["data"]["node"], {})[name] for s in snapshots for name in ("chart", "gl")
    }
    assert painted and painted <= allowed
    assert "secret" not in visitor.sent_text()
    assert replay_pixel(viewer, "secret-gl", 5, 5) is None  # no element of that id at all


def test_a_canvas_drawn_past_the_recorder_still_reaches_the_agent(
    pages_url, open_visitor, open_viewer
):
    visitor = open_visitor(f"{pages_url}/canvas-group.html")
    visitor.page.evaluate("paint(0, 0, 0)")
    viewer = open_viewer(visitor.start())
    wait_for_replay_pixel(viewer, "live", "0,0,0,255")

    # Drawn through a method reference taken before the session: no call the recorder
    # sees; the canvas is looked at every few seconds all the same.
    visitor.page.evaluate("paintByReference(0, 150, 250)")
    wait_for_replay_pixel(viewer, "live", "0,150,250,255")
