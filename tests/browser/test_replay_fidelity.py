"""What stock rrweb loses, the agent's replay shows: canvas pixels, popovers, focus,
animation end states, late srcdoc frames, indeterminate checkboxes, bare video."""

import json
from pathlib import Path

from playwright.sync_api import expect

from tests.browser.conftest import replay

# The pixel at (x, y) of canvas `id` as the agent's replay shows it, as "r,g,b,a": the
# replay runs no scripts, so a canvas shows its picture as its background image.
REPLAY_PIXEL = """async ([id, x, y]) => {
  const doc = document.querySelector("#viewer .stage iframe").contentDocument;
  const canvas = doc.getElementById(id);
  if (!canvas) return null;
  const url = /url\\("?([^"]*)"?\\)/.exec(doc.defaultView.getComputedStyle(canvas).backgroundImage);
  if (!url) return "none";
  const image = new Image();
  image.src = url[1];
  await image.decode();
  const copy = document.createElement("canvas");
  copy.width = canvas.width;
  copy.height = canvas.height;
  const context = copy.getContext("2d");
  context.drawImage(image, 0, 0, copy.width, copy.height);
  return Array.from(context.getImageData(x, y, 1, 1).data).join(",");
}"""

# Computed style property `name` of element `id` in the agent's replay.
REPLAY_STYLE = """([id, name]) => {
  const doc = document.querySelector("#viewer .stage iframe").contentDocument;
  const element = doc.getElementById(id);
  return element ? doc.defaultView.getComputedStyle(element).getPropertyValue(name) : null;
}"""


def replay_pixel(viewer, canvas: str, x: int, y: int) -> str | None:
    return viewer.evaluate(REPLAY_PIXEL, [canvas, x, y])


def wait_for_replay_pixel(viewer, canvas: str, rgba: str, x: int = 5, y: int = 5) -> None:
    """Wait until the replayed canvas shows `rgba` at (x, y), give or take what lossy
    WebP does to a colour (a few units per channel)."""
    viewer.wait_for_function(
        f"""async ([args, want]) => {{
          const got = await ({REPLAY_PIXEL})(args);
          if (!got || got === "none") return false;
          const a = got.split(",").map(Number), b = want.split(",").map(Number);
          return a.every((v, i) => Math.abs(v - b[i]) <= 6);
        }}""",
        arg=[[canvas, x, y], rgba],
    )


def wait_for_replay_style(viewer, element: str, name: str, value: str) -> None:
    viewer.wait_for_function(
        f"(args) => ({REPLAY_STYLE})(args) === {json.dumps(value)}", arg=[element, name]
    )


def test_a_2d_canvas_drawn_during_the_session_shows_for_the_agent(
    pages_url, open_visitor, open_viewer
):
    visitor = open_visitor(f"{pages_url}/fidelity.html")
    visitor.page.evaluate("paintChart('rgb(255, 0, 0)')")
    viewer = open_viewer(visitor.start())

    wait_for_replay_pixel(viewer, "chart", "255,0,0,255")  # from the snapshot
    visitor.page.evaluate("paintChart('rgb(0, 128, 0)')")
    wait_for_replay_pixel(viewer, "chart", "0,128,0,255", x=900, y=600)  # a change


def test_a_webgl_canvas_shows_for_the_agent(pages_url, open_visitor, open_viewer):
    visitor = open_visitor(f"{pages_url}/fidelity.html")
    viewer = open_viewer(visitor.start())

    visitor.page.evaluate("paintGl(0, 0, 255)")
    wait_for_replay_pixel(viewer, "gl", "0,0,255,255")
    visitor.page.evaluate("paintGl(255, 255, 0)")
    wait_for_replay_pixel(viewer, "gl", "255,255,0,255")


def test_the_layout_around_a_canvas_is_the_visitors(pages_url, open_visitor, open_viewer):
    visitor = open_visitor(f"{pages_url}/fidelity.html")
    visitor.page.evaluate("paintChart('rgb(255, 0, 0)')")
    viewer = open_viewer(visitor.start())
    wait_for_replay_pixel(viewer, "chart", "255,0,0,255")

    box = """(id) => {
      const r = document.getElementById(id).getBoundingClientRect();
      return [r.x, r.y, r.width, r.height];
    }"""
    in_replay = """(id) => {
      const frame = document.querySelector("#viewer .stage iframe");
      const element = frame?.contentDocument?.getElementById(id);
      if (!element) return null;
      const r = element.getBoundingClientRect();
      return [r.x, r.y, r.width, r.height];
    }"""
    # The replay lays the page out as its frames arrive: wait for each box, not one look.
    for element in ("chart", "below", "gl"):
        viewer.wait_for_function(
            f"(want) => JSON.stringify(({in_replay})(want[0])) === JSON.stringify(want[1])",
            arg=[element, visitor.page.evaluate(box, element)],
        )


def sent_events(visitor) -> list[dict]:
    """Every rrweb event the visitor's page sent, chunked frames joined again."""
    events: list[dict] = []
    pieces: list[str] = []
    for text in visitor.sent:
        frame = json.loads(text)
        if frame.get("t") not in ("ev", "snap"):
            continue
        if "d" in frame:
            pieces = [] if frame["part"] == 0 else pieces
            pieces.append(frame["d"])
            if len(pieces) == frame["parts"]:
                events.extend(json.loads("".join(pieces)))
            continue
        events.extend(frame.get("e", []))
    return events


def canvas_ids(node: dict, found: dict[str, int]) -> dict[str, int]:
    """The rrweb ids of the canvases of a serialized tree, by their element id."""
    if node.get("tagName") == "canvas":
        found[node.get("attributes", {}).get("id", "")] = node["id"]
    for child in node.get("childNodes", []):
        canvas_ids(child, found)
    return found


def test_a_masked_canvas_never_leaves_the_visitors_browser(pages_url, open_visitor, open_viewer):
    visitor = open_visitor(f"{pages_url}/fidelity.html")
    visitor.page.evaluate("paintSecret(); paintChart('rgb(255, 0, 0)')")
    viewer = open_viewer(visitor.start())
    wait_for_replay_pixel(viewer, "chart", "255,0,0,255")
    visitor.page.evaluate("paintSecret(); paintChart('rgb(0, 0, 255)')")
    wait_for_replay_pixel(viewer, "chart", "0,0,255,255")

    events = sent_events(visitor)
    snapshot = next(e for e in events if e["type"] == 2)
    shown = canvas_ids(snapshot["data"]["node"], {})
    assert set(shown) == {"chart", "gl", ""}  # the masked one: a placeholder, no id
    drawn = {e["data"]["id"] for e in events if e["type"] == 3 and e["data"]["source"] == 9}
    assert drawn and drawn <= {shown["chart"], shown["gl"]}
    assert replay_pixel(viewer, "secret", 5, 5) is None  # no element of that id at all


def test_an_open_popover_is_open_for_the_agent(pages_url, open_visitor, open_viewer):
    visitor = open_visitor(f"{pages_url}/fidelity.html")
    visitor.page.evaluate("openMenu()")
    viewer = open_viewer(visitor.start())
    mirror = replay(viewer)

    expect(mirror.locator("#menu")).to_be_visible()  # open in the snapshot
    visitor.page.evaluate("closeMenu()")
    expect(mirror.locator("#menu")).to_be_hidden()
    visitor.page.evaluate("openMenu()")
    expect(mirror.locator("#menu")).to_be_visible()


def test_the_focused_field_looks_focused_for_the_agent(pages_url, open_visitor, open_viewer):
    visitor = open_visitor(f"{pages_url}/fidelity.html")
    viewer = open_viewer(visitor.start())

    visitor.page.keyboard.press("Tab")  # focus moves by keyboard: :focus-visible too
    visitor.page.focus("#email")
    wait_for_replay_style(viewer, "email", "outline-color", "rgb(255, 0, 0)")
    wait_for_replay_style(viewer, "email", "background-color", "rgb(255, 255, 0)")
    wait_for_replay_style(viewer, "signup", "border-left-color", "rgb(0, 0, 255)")
    expect(replay(viewer).locator("#email")).to_have_attribute("data-tandem-focus", "")
    expect(viewer.locator("#viewer")).not_to_have_attribute("data-focus", "inside")  # inert

    visitor.page.evaluate("document.activeElement.blur()")
    wait_for_replay_style(viewer, "signup", "border-left-color", "rgb(0, 0, 0)")
    expect(replay(viewer).locator("#email")).not_to_have_attribute("data-tandem-focus", "")


def test_an_animation_end_state_shows_for_the_agent(pages_url, open_visitor, open_viewer):
    visitor = open_visitor(f"{pages_url}/fidelity.html")
    viewer = open_viewer(visitor.start())

    visitor.page.evaluate("slideDrawer()")
    wait_for_replay_style(viewer, "drawer", "transform", "matrix(1, 0, 0, 1, 120, 0)")


def test_an_animation_finished_before_the_snapshot_shows_for_the_agent(
    pages_url, open_visitor, open_viewer
):
    visitor = open_visitor(f"{pages_url}/fidelity.html")
    visitor.page.evaluate("slideDrawer()")
    viewer = open_viewer(visitor.start())
    wait_for_replay_style(viewer, "drawer", "transform", "matrix(1, 0, 0, 1, 120, 0)")


def test_srcdoc_frames_added_during_the_session_fill_for_the_agent(
    pages_url, open_visitor, open_viewer
):
    visitor = open_visitor(f"{pages_url}/fidelity.html")
    viewer = open_viewer(visitor.start())

    visitor.page.evaluate("for (let i = 0; i < 5; i++) addFrame(i)")
    viewer.wait_for_function(
        """() => {
          const doc = document.querySelector("#viewer .stage iframe").contentDocument;
          const frames = Array.from(doc.querySelectorAll("#frames iframe"));
          const text = (frame) => frame.contentDocument?.getElementById("inside")?.textContent;
          return frames.length === 5
            && frames.every((frame, i) => text(frame) === `written by srcdoc ${i}`);
        }"""
    )


def test_an_indeterminate_checkbox_is_indeterminate_for_the_agent(
    pages_url, open_visitor, open_viewer
):
    visitor = open_visitor(f"{pages_url}/fidelity.html")
    visitor.page.evaluate("setIndeterminate(true)")
    viewer = open_viewer(visitor.start())
    mirror = replay(viewer)

    expect(mirror.locator("#all:indeterminate")).to_have_count(1)
    visitor.page.evaluate("setIndeterminate(false)")
    expect(mirror.locator("#all:indeterminate")).to_have_count(0)
    visitor.page.evaluate("setIndeterminate(true)")
    expect(mirror.locator("#all:indeterminate")).to_have_count(1)


def test_a_video_without_controls_has_none_for_the_agent(pages_url, open_visitor, open_viewer):
    visitor = open_visitor(f"{pages_url}/fidelity.html")
    viewer = open_viewer(visitor.start())
    expect(replay(viewer).locator("#clip")).to_be_attached()

    # The replay document runs no scripts, and Chromium shows media controls in such a
    # document whatever the page says; the replay's styles hide them again.
    hidden = viewer.evaluate(
        """() => {
          const doc = document.querySelector("#viewer .stage iframe").contentDocument;
          const rules = Array.from(doc.styleSheets).flatMap((s) => Array.from(s.cssRules));
          return rules.some((r) => r.cssText.includes("-webkit-media-controls")
                               && r.cssText.includes("display: none"));
        }"""
    )
    assert hidden
    assert not replay(viewer).locator("#clip").evaluate("(v) => v.controls")


def a_font_file() -> bytes:
    """A TrueType font of the machine's (Chromium brings some): test pages stay text."""
    fonts = sorted(Path("/usr/share/fonts").rglob("*.ttf"))
    assert fonts, "no TrueType font under /usr/share/fonts"
    return fonts[0].read_bytes()


MAKE_FONT = """async ([family, url]) => {
  const bytes = await (await fetch(url)).arrayBuffer();
  const face = new FontFace(family, bytes);
  await face.load();
  document.fonts.add(face);
  document.getElementById("below").style.fontFamily = family;
}"""

REPLAY_HAS_FONT = """(family) => {
  const doc = document.querySelector("#viewer .stage iframe").contentDocument;
  return Array.from(doc.fonts).some((f) => f.family.replace(/"/g, "") === family
                                        && f.status === "loaded");
}"""


def test_fonts_made_with_the_font_face_api_reach_the_agent(pages_url, open_visitor, open_viewer):
    visitor = open_visitor(f"{pages_url}/fidelity.html")
    font = a_font_file()
    visitor.page.route(
        "**/made-by-script.ttf", lambda route: route.fulfill(body=font, content_type="font/ttf")
    )
    visitor.page.evaluate(MAKE_FONT, ["Early Face", "/made-by-script.ttf"])  # before the session
    viewer = open_viewer(visitor.start())
    viewer.wait_for_function(REPLAY_HAS_FONT, arg="Early Face")

    visitor.page.evaluate(MAKE_FONT, ["Late Face", "/made-by-script.ttf"])  # during it
    viewer.wait_for_function(REPLAY_HAS_FONT, arg="Late Face")
