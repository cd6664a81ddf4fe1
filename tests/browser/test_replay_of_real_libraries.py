"""Pages built from real front-end libraries (npm) replay as the visitor sees them: a
Chart.js chart (canvas) and a KaTeX formula (self-hosted web fonts from a site that sends
no CORS header, fetched through Tandem's asset proxy)."""

from tests.browser.conftest import replay

# The share of the replayed canvas's pixels that match the visitor's picture `want` (a
# data URL), each channel within 16: the replay shows a canvas as its background image.
SAME_AS_VISITOR = """async ([id, want]) => {
  const doc = document.querySelector("#viewer .stage iframe").contentDocument;
  const canvas = doc.getElementById(id);
  const background = canvas && doc.defaultView.getComputedStyle(canvas).backgroundImage;
  const url = background && /url\\("?([^"]*)"?\\)/.exec(background);
  if (!url) return 0;
  const load = async (src) => {
    const image = new Image();
    image.src = src;
    await image.decode();
    return image;
  };
  const [mine, theirs] = await Promise.all([load(url[1]), load(want)]);
  const read = (image) => {
    const copy = document.createElement("canvas");
    copy.width = canvas.width;
    copy.height = canvas.height;
    const context = copy.getContext("2d");
    context.drawImage(image, 0, 0, copy.width, copy.height);
    return context.getImageData(0, 0, copy.width, copy.height).data;
  };
  const a = read(mine), b = read(theirs);
  let same = 0;
  for (let i = 0; i < a.length; i += 4) {
    if ([0, 1, 2, 3].every((c) => Math.abs(a[i + c] - b[i + c]) <= 16)) same += 1;
  }
  return same / (a.length / 4);
}"""

BOX = """(id) => {
  const r = document.getElementById(id).getBoundingClientRect();
  return [r.x, r.y, r.width, r.height];
}"""
REPLAY_BOX = """(id) => {
  const frame = document.querySelector("#viewer .stage iframe");
  const element = frame?.contentDocument?.getElementById(id);
  if (!element) return null;
  const r = element.getBoundingClientRect();
  return [r.x, r.y, r.width, r.height];
}"""


def wait_for_same_box(visitor, viewer, element: str) -> None:
    """Wait until element `element` has the same box in the replay as on the visitor's page:
    the replay lays the page out as its frames arrive, so one look may come too early."""
    viewer.wait_for_function(
        f"(want) => JSON.stringify(({REPLAY_BOX})({element!r})) === JSON.stringify(want)",
        arg=visitor.page.evaluate(BOX, element),
    )


def wait_for_same_canvas(visitor, viewer, canvas: str) -> None:
    want = visitor.page.evaluate(f"document.getElementById('{canvas}').toDataURL()")
    viewer.wait_for_function(
        f"async (args) => (await ({SAME_AS_VISITOR})(args)) > 0.98", arg=[canvas, want]
    )


def test_a_chart_js_chart_shows_for_the_agent_and_follows_its_updates(
    pages_url, open_visitor, open_viewer
):
    visitor = open_visitor(f"{pages_url}/chartjs.html")
    viewer = open_viewer(visitor.start())

    wait_for_same_canvas(visitor, viewer, "sales")
    wait_for_same_box(visitor, viewer, "after")
    visitor.page.evaluate("update()")
    wait_for_same_canvas(visitor, viewer, "sales")


def test_katex_self_hosted_fonts_load_in_the_replay(pages_url, open_visitor, open_viewer):
    visitor = open_visitor(f"{pages_url}/katex.html")
    visitor.page.wait_for_function(
        "() => document.fonts.check('32px KaTeX_Main') && document.fonts.status === 'loaded'"
    )
    viewer = open_viewer(visitor.start())
    replay(viewer).locator("#formula .katex").wait_for()

    viewer.wait_for_function(
        """() => {
          const doc = document.querySelector("#viewer .stage iframe").contentDocument;
          return Array.from(doc.fonts).some((face) =>
            face.family.replace(/"/g, "") === "KaTeX_Main" && face.status === "loaded");
        }"""
    )
    # With the formula's own fonts its width is the visitor's, to the pixel.
    width = "(el) => Math.round(el.getBoundingClientRect().width)"
    viewer.wait_for_function(
        """(want) => {
          const doc = document.querySelector("#viewer .stage iframe").contentDocument;
          const box = doc.querySelector("#formula .katex").getBoundingClientRect();
          return Math.round(box.width) === want;
        }""",
        arg=visitor.page.locator("#formula .katex").evaluate(width),
    )


# Computed style `name` of the element at `path` in the agent's replay: CSS selectors, one
# per shadow root on the way (["#save", "button"]: the button in #save's shadow root).
REPLAY_DEEP_STYLE = """([path, name]) => {
  let scope = document.querySelector("#viewer .stage iframe").contentDocument;
  let element = null;
  for (const selector of path) {
    element = scope?.querySelector(selector);
    scope = element?.shadowRoot;
  }
  return element ? getComputedStyle(element).getPropertyValue(name) : null;
}"""
DEEP_STYLE = REPLAY_DEEP_STYLE.replace(
    'document.querySelector("#viewer .stage iframe").contentDocument', "document"
)


def wait_for_same_style(visitor, viewer, path: list[str], name: str) -> None:
    want = visitor.page.evaluate(DEEP_STYLE, [path, name])
    viewer.wait_for_function(
        f"(args) => ({REPLAY_DEEP_STYLE})(args) === args[2]", arg=[path, name, want]
    )


def test_keyboard_focus_inside_a_shoelace_component_shows_for_the_agent(
    pages_url, open_visitor, open_viewer
):
    visitor = open_visitor(f"{pages_url}/shoelace.html")
    visitor.page.wait_for_function("window.ready === true")
    viewer = open_viewer(visitor.start())
    replay(viewer).locator("#save").wait_for()

    # The focus ring is the component's own `.button:focus-visible` rule, in a stylesheet
    # adopted by its shadow root; the focused element is the button inside that root.
    visitor.page.keyboard.press("Tab")
    visitor.page.evaluate("document.getElementById('save').focus()")
    assert visitor.page.evaluate(DEEP_STYLE, [["#save", "button"], "outline-style"]) == "solid"
    wait_for_same_style(visitor, viewer, ["#save", "button"], "outline-style")
    wait_for_same_style(visitor, viewer, ["#save", "button"], "outline-color")

    visitor.page.evaluate("document.activeElement.blur()")
    wait_for_same_style(visitor, viewer, ["#save", "button"], "outline-style")


def test_a_shoelace_toast_shown_by_its_animation_shows_for_the_agent(
    pages_url, open_visitor, open_viewer
):
    visitor = open_visitor(f"{pages_url}/shoelace.html")
    visitor.page.wait_for_function("window.ready === true")
    viewer = open_viewer(visitor.start())
    replay(viewer).locator("#save").wait_for()

    # Only the animation's end state (fill: forwards) makes it visible; its CSS says 0.
    visitor.page.evaluate("showSaved()")
    assert visitor.page.evaluate(DEEP_STYLE, [["#saved"], "opacity"]) == "1"
    wait_for_same_style(visitor, viewer, ["#saved"], "opacity")
    wait_for_same_style(visitor, viewer, ["#saved"], "transform")


def test_focus_styles_made_by_emotion_show_for_the_agent(pages_url, open_visitor, open_viewer):
    visitor = open_visitor(f"{pages_url}/emotion.html")
    viewer = open_viewer(visitor.start())
    replay(viewer).locator("#email").wait_for()

    # Emotion's rules exist only in the CSSOM (insertRule), :focus and :focus-within too.
    visitor.page.keyboard.press("Tab")
    visitor.page.focus("#email")
    visitor.page.evaluate("thank()")
    for name in ("border-top-color", "background-color"):
        wait_for_same_style(visitor, viewer, ["#email"], name)
    wait_for_same_style(visitor, viewer, ["#note"], "background-color")
    card = visitor.page.evaluate("document.getElementById('email').parentElement.className")
    wait_for_same_style(visitor, viewer, [f".{card}"], "outline-color")
    wait_for_same_box(visitor, viewer, "note")


def test_a_leaflet_map_drawn_on_a_canvas_follows_the_visitor(pages_url, open_visitor, open_viewer):
    visitor = open_visitor(f"{pages_url}/leaflet.html")
    visitor.page.wait_for_function(
        "Array.from(document.images).every((image) => image.complete && image.naturalWidth)"
    )
    viewer = open_viewer(visitor.start())

    # The routes and areas are drawn on Leaflet's canvas renderer; the tiles and markers
    # are images through Tandem's asset proxy.
    canvas_id = "(c) => c.id || (c.id = 'routes')"
    visitor.page.locator("#map canvas").evaluate(canvas_id)
    wait_for_same_canvas(visitor, viewer, "routes")
    visitor.page.evaluate("pan()")
    wait_for_same_canvas(visitor, viewer, "routes")
    wait_for_same_box(visitor, viewer, "after")
    viewer.wait_for_function(
        """() => {
          const doc = document.querySelector("#viewer .stage iframe").contentDocument;
          const tiles = Array.from(doc.querySelectorAll(".leaflet-tile"));
          return tiles.length > 0 && tiles.every((tile) => tile.complete && tile.naturalWidth);
        }"""
    )


def test_a_fontsource_font_loads_in_the_replay(pages_url, open_visitor, open_viewer):
    visitor = open_visitor(f"{pages_url}/fontsource.html")
    visitor.page.wait_for_function(
        "() => document.fonts.check('20px \"Roboto Slab\"') && document.fonts.status === 'loaded'"
    )
    viewer = open_viewer(visitor.start())
    replay(viewer).locator("#story").wait_for()

    # Self-hosted files on a site that sends no CORS header: through Tandem's asset proxy.
    viewer.wait_for_function(
        """() => {
          const doc = document.querySelector("#viewer .stage iframe").contentDocument;
          return Array.from(doc.fonts).some((face) =>
            face.family.replace(/"/g, "") === "Roboto Slab" && face.status === "loaded");
        }"""
    )
    for element in ("story", "after-title"):
        wait_for_same_box(visitor, viewer, element)
