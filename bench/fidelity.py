"""How close the agent's replay looks to the visitor's page, against plain rrweb.

For each case of tests/browser/pages/fidelity.html (a canvas chart, a WebGL canvas, an
open popover, the focused field, a Web Animations end state, srcdoc frames added late,
an indeterminate checkbox, a video without controls, a FontFace font), the page is put in
that state and compared, pixel by pixel, with:

- tandem:      the agent's live replay in Tandem's viewer (at scale 1), the state
               reached during the session, through the server.
- plain rrweb: @rrweb/record with its default options on the same page and
               @rrweb/replay's live mode with its defaults in a blank page: the floor.

The figure is the share of the visitor's pixels the replay shows the same (each channel
within 16 of 255). Run with `make bench` or `.venv/bin/python bench/fidelity.py`.
Figures only; nothing here asserts.
"""

import base64
import json
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.browser_latency import open_viewer, start_session  # noqa: E402
from tests.servers import (  # noqa: E402
    launch_chromium,
    pages_server,
    prepare_database,
    server_env,
    start_server,
    stop_server,
)

VIEWPORT = {"width": 800, "height": 500}
RRWEB = ROOT / "node_modules" / "@rrweb"
FONT_URL = "/made-by-script.ttf"

MAKE_FONT = """async (url) => {
  const face = new FontFace("Case Face", await (await fetch(url)).arrayBuffer());
  await face.load();
  document.fonts.add(face);
  document.getElementById("below").style.fontFamily = "Case Face";
  document.getElementById("below").style.fontSize = "40px";
}"""

# Case name -> what the visitor does once the replay is live.
CASES = {
    "canvas-2d": "paintChart('rgb(200, 40, 40)')",
    "canvas-webgl": "paintGl(30, 90, 220)",
    "popover": "openMenu()",
    "focus": None,  # keyboard focus, below
    "animation": "slideDrawer()",
    "srcdoc": "addFrame(0)",
    "indeterminate": "setIndeterminate(true)",
    "video": "0",
    "font": MAKE_FONT,
}

# Where Tandem's own visitor panel sits (never mirrored, so never compared), or null.
PANEL_BOX = """() => {
  const panel = document.querySelector("[data-tandem-ui]")?.shadowRoot?.querySelector(".panel");
  const r = panel?.getBoundingClientRect();
  // Its shadow reaches past its box.
  return r && r.width ? [r.x - 24, r.y - 24, r.width + 48, r.height + 48] : null;
}"""

SAME_PIXELS = """async ([a, b, skip]) => {
  const load = (data) => new Promise((resolve) => {
    const image = new Image();
    image.onload = () => resolve(image);
    image.src = "data:image/png;base64," + data;
  });
  const [one, two] = await Promise.all([load(a), load(b)]);
  const read = (image) => {
    const canvas = document.createElement("canvas");
    canvas.width = one.width;
    canvas.height = one.height;
    const context = canvas.getContext("2d");
    context.drawImage(image, 0, 0);
    return context.getImageData(0, 0, one.width, one.height).data;
  };
  const x = read(one), y = read(two);
  let same = 0, counted = 0;
  for (let i = 0; i < x.length; i += 4) {
    const px = (i / 4) % one.width, py = Math.floor(i / 4 / one.width);
    const skipped = skip && px >= skip[0] && px < skip[0] + skip[2]
      && py >= skip[1] && py < skip[1] + skip[3];
    if (skipped) continue;
    counted += 1;
    if (Math.abs(x[i] - y[i]) <= 16 && Math.abs(x[i + 1] - y[i + 1]) <= 16
        && Math.abs(x[i + 2] - y[i + 2]) <= 16) same += 1;
  }
  return same / counted;
}"""


CONTENT_BOX = """(selector) => {
  const frame = document.querySelector(selector);
  const box = frame.getBoundingClientRect();
  return { x: box.x + frame.clientLeft, y: box.y + frame.clientTop,
           width: frame.clientWidth, height: frame.clientHeight };
}"""

# The viewer fits the replay to its stage; the comparison wants it at scale 1.
SCALE_ONE = """() => {
  const wrapper = document.querySelector("#viewer .replayer-wrapper");
  wrapper.style.transform = "none";
  wrapper.style.left = "0px";
  wrapper.style.top = "0px";
}"""


def font_route(font: bytes):
    return lambda route: route.fulfill(body=font, content_type="font/ttf")


def act(page, case: str) -> None:
    if case == "focus":
        page.keyboard.press("Tab")
        page.focus("#email")
    elif case == "font":
        page.evaluate(MAKE_FONT, FONT_URL)
    else:
        page.evaluate(CASES[case])


def settled(page, selector: str | None) -> bytes:
    """A screenshot of `selector` (None: the viewport) once it stayed the same for a second
    (at most ~8 s): the replay applies changes a little after the page made them, canvas
    pictures at most 5 a second."""

    def shoot() -> bytes:
        if selector is None:
            return page.screenshot(animations="disabled")
        clip = page.evaluate(CONTENT_BOX, selector)  # the frame's content, no border
        return page.screenshot(animations="disabled", clip=clip)

    shot, same_for = shoot(), 0
    for _ in range(32):
        page.wait_for_timeout(250)
        again = shoot()
        same_for = same_for + 1 if again == shot else 0
        shot = again
        if same_for >= 4:
            break
    return shot


def visitor_page(browser, url: str, font: bytes):
    page = browser.new_context(viewport=VIEWPORT).new_page()
    page.route(f"**{FONT_URL}", font_route(font))
    page.goto(url)
    return page


Shots = tuple[bytes, bytes, list[float] | None]


def tandem_replay(browser, tandem: str, url: str, case: str, font: bytes) -> Shots:
    visitor = visitor_page(browser, url, font)
    # Roomy enough that the replay shows at scale 1.
    agent = open_viewer(browser, tandem, start_session(visitor), {"width": 1600, "height": 1200})
    agent.add_style_tag(content=".replayer-mouse{display:none!important}")
    act(visitor, case)
    direct = settled(visitor, None)
    agent.evaluate(SCALE_ONE)
    replayed = settled(agent, "#viewer .stage iframe")
    panel = visitor.evaluate(PANEL_BOX)
    visitor.context.close()
    agent.context.close()
    return direct, replayed, panel


def plain_rrweb(browser, url: str, case: str, font: bytes) -> Shots:
    visitor = visitor_page(browser, url, font)
    visitor.add_script_tag(path=str(RRWEB / "record" / "dist" / "record.umd.min.cjs"))
    visitor.evaluate(
        """() => { window.recorded = [];
                   rrwebRecord.record({ emit: (event) => window.recorded.push(event) }); }"""
    )
    act(visitor, case)
    direct = settled(visitor, None)
    events = visitor.evaluate("JSON.stringify(window.recorded)")
    floor = browser.new_context(viewport={"width": 1600, "height": 1200}).new_page()
    floor.add_script_tag(path=str(RRWEB / "replay" / "dist" / "replay.umd.min.cjs"))
    floor.add_style_tag(path=str(RRWEB / "replay" / "dist" / "style.css"))
    floor.evaluate(
        """(text) => {
          const replayer = new rrwebReplay.Replayer([], { root: document.body, liveMode: true });
          replayer.startLive(Date.now());
          for (const event of JSON.parse(text)) {
            replayer.addEvent({ ...event, timestamp: Date.now() });
          }
        }""",
        events,
    )
    floor.add_style_tag(content=".replayer-mouse{display:none!important}")
    floor.wait_for_selector(".replayer-wrapper iframe")
    replayed = settled(floor, ".replayer-wrapper iframe")
    panel = visitor.evaluate(PANEL_BOX)
    visitor.context.close()
    floor.context.close()
    return direct, replayed, panel


def same(page, a: bytes, b: bytes, skip: list[float] | None) -> float:
    encoded = [base64.b64encode(a).decode(), base64.b64encode(b).decode()]
    return page.evaluate(SAME_PIXELS, [*encoded, skip])


def main() -> None:
    from playwright.sync_api import sync_playwright

    fonts = sorted(Path("/usr/share/fonts").rglob("*.ttf"))
    if not fonts:
        sys.exit("no TrueType font under /usr/share/fonts")
    font = fonts[0].read_bytes()
    results: dict[str, tuple[float, float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        env = server_env(Path(tmp), TANDEM_LOG_LEVEL="WARNING")
        prepare_database(env)
        server = start_server(env, Path(tmp) / "daphne.log")
        try:
            with pages_server("127.0.0.1", server.url) as pages, sync_playwright() as playwright:
                browser = launch_chromium(playwright)
                scratch = browser.new_page()
                for case in CASES:
                    url = f"{pages}/fidelity.html?only={case}"
                    # Both replays against one picture of the page: Tandem's visitor (its
                    # panel left out), whose page is the same as plain rrweb's visitor's.
                    direct, ours, panel = tandem_replay(browser, server.url, url, case, font)
                    _, floor, _ = plain_rrweb(browser, url, case, font)
                    results[case] = (
                        same(scratch, direct, ours, panel),
                        same(scratch, direct, floor, panel),
                    )
                    ours, floor = results[case]
                    print(f"  {case}: tandem {ours:.1%}, plain rrweb {floor:.1%}", flush=True)
                browser.close()
        finally:
            stop_server(server)

    print("\nReplay fidelity: share of the visitor's pixels the agent's replay shows the same")
    print(f"{'case':<16} {'tandem':>8} {'plain rrweb':>12}  ahead")
    for case, (ours, floor) in results.items():
        mark = "yes" if ours > floor else ("same" if ours == floor else "NO")
        print(f"{case:<16} {ours:>8.1%} {floor:>12.1%}  {mark}")
    worst = min(ours for ours, _ in results.values())
    print(f"\nworst case, tandem: {worst:.1%}")
    print(json.dumps({case: {"tandem": a, "rrweb": b} for case, (a, b) in results.items()}))


if __name__ == "__main__":
    main()
