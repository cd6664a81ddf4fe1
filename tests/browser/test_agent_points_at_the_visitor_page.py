"""The agent points at the visitor's page without control: the visitor sees the agent's
pointer where the agent's is over the replay, and it goes when the agent's leaves it."""

from playwright.sync_api import Page, expect

from tests.browser.conftest import Visitor, replay

# The marks live in a closed shadow root: the test keeps a reference to it as it is made,
# the way a person simply looks at the screen.
KEEP_CLOSED_ROOTS = """
window.__closedRoots = [];
const attach = Element.prototype.attachShadow;
Element.prototype.attachShadow = function (init) {
  const root = attach.call(this, init);
  if (init && init.mode === "closed") window.__closedRoots.push(root);
  return root;
};
"""

MARKS = """() => {
  const root = window.__closedRoots.filter((r) => r.host.isConnected
    && r.host.hasAttribute("data-tandem-marks")).pop();
  if (!root) return { pointer: null, name: null, paths: [], dismiss: false };
  const pointer = root.querySelector(".pointer");
  const box = (el) => { const r = el.getBoundingClientRect();
    return { x: r.x, y: r.y, width: r.width, height: r.height }; };
  const dismiss = root.querySelector("button.dismiss");
  return {
    pointer: pointer ? box(pointer) : null,
    name: pointer ? pointer.textContent : null,
    paths: [...root.querySelectorAll("g path")].map(box),
    dismiss: !!dismiss && !dismiss.hidden,
  };
}"""


def open_marked_visitor(new_context, url: str) -> Visitor:
    page = new_context(viewport={"width": 1024, "height": 700}).new_page()
    page.add_init_script(KEEP_CLOSED_ROOTS)
    page.goto(url)
    return Visitor(page=page)


def wait_for_marks(page: Page, condition: str, arg=None) -> dict:
    """Wait until `condition` (a JS function of the marks state and `arg`) holds; the marks
    as they were when it held (a second look might find them changed since)."""
    held = page.wait_for_function(
        f"(arg) => {{ const marks = ({MARKS})(); return ({condition})(marks, arg) && marks; }}",
        arg=arg,
    )
    return held.json_value()


def centre_in_viewer(viewer: Page, selector: str) -> tuple[float, float]:
    box = replay(viewer).locator(selector).bounding_box()
    assert box is not None
    return box["x"] + box["width"] / 2, box["y"] + box["height"] / 2


def centre_on_page(page: Page, selector: str) -> tuple[float, float]:
    box = page.locator(selector).bounding_box()
    assert box is not None
    return box["x"] + box["width"] / 2, box["y"] + box["height"] / 2


def test_visitor_sees_the_agent_pointer_where_the_agent_points_and_not_after_it_leaves(
    server, pages_url, new_context, open_viewer
):
    visitor = open_marked_visitor(new_context, f"{pages_url}/control.html")
    viewer = open_viewer(visitor.start())
    expect(replay(viewer).locator("#heading")).to_have_text("Control")

    point = viewer.get_by_role("button", name="Point", exact=True)
    point.click()
    expect(point).to_have_attribute("aria-pressed", "true")
    # Over a masked field too (the replay shows only its box): a pointer is only a position.
    masked_pin = "xpath=//label[contains(., 'PIN')]/*[1]"
    for in_replay, on_page in (("#bump", "#bump"), (masked_pin, "#pin")):
        viewer.mouse.move(*centre_in_viewer(viewer, in_replay))
        want_x, want_y = centre_on_page(visitor.page, on_page)
        shown = wait_for_marks(
            visitor.page,
            "(m, want) => m.pointer && Math.abs(m.pointer.x - want[0]) < 8"
            " && Math.abs(m.pointer.y - want[1]) < 8",
            [want_x, want_y],
        )
        assert shown["name"] == "agent"
    # Tandem's own marks never reach the mirror.
    expect(replay(viewer).locator(".pointer")).to_have_count(0)

    viewer.mouse.move(5, 5)  # off the replay, onto the viewer's top bar

    wait_for_marks(visitor.page, "(m) => m.pointer === null")
    expect(viewer.locator(".stage")).to_have_attribute("inert", "")  # never took control


def test_pointer_follows_the_content_the_agent_points_at_after_the_visitor_scrolled(
    server, pages_url, new_context, open_viewer
):
    visitor = open_marked_visitor(new_context, f"{pages_url}/control.html")
    viewer = open_viewer(visitor.start())
    mirror = replay(viewer)
    expect(mirror.locator("#heading")).to_have_text("Control")
    visitor.page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    expect(mirror.locator("#bottom")).to_be_in_viewport()

    viewer.get_by_role("button", name="Point", exact=True).click()
    viewer.mouse.move(*centre_in_viewer(viewer, "#bottom"))

    want_x, want_y = centre_on_page(visitor.page, "#bottom")
    wait_for_marks(
        visitor.page,
        "(m, want) => m.pointer && Math.abs(m.pointer.x - want[0]) < 8"
        " && Math.abs(m.pointer.y - want[1]) < 8",
        [want_x, want_y],
    )

    viewer.get_by_role("button", name="Point", exact=True).click()  # the tool off: the pointer goes
    wait_for_marks(visitor.page, "(m) => m.pointer === null")
