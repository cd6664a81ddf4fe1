"""How close the agent's replay looks to the visitor's page, against plain rrweb.

Each case (CASES) is a page of tests/browser/pages in one state: Tandem's own pages, one
class of issue 17's failures each (fidelity.html, sprites.html, text.html), and pages built
from public libraries (Chart.js, Leaflet, KaTeX, Fontsource, Shoelace, Emotion, Quill,
Mermaid, reveal.js, swagger-ui; npm devDependencies served under /npm/). The page is put
in that state and compared, pixel by pixel, with:

- tandem:      the agent's live replay in Tandem's viewer at 1:1, the state reached
               during the session, through the server.
- plain rrweb: @rrweb/record with its defaults on the same page and @rrweb/replay's live
               mode with its defaults in a blank page: the floor.

The figure is the share of the visitor's pixels the replay shows the same (each channel
within 16 of 255). Run with `make bench` or `.venv/bin/python bench/fidelity.py [case...]`
(bench/README.md). Figures only; nothing here asserts.
"""

import argparse
import base64
import json
import sys
import tempfile
from dataclasses import dataclass
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

# The visitor's page is ready to be compared: its fonts and images loaded.
LOADED = """() => document.readyState === "complete" && document.fonts.status === "loaded"
  && Array.from(document.images).every((image) => image.complete)"""


@dataclass(frozen=True)
class Case:
    """One page (under tests/browser/pages) in one state."""

    kind: str  # the issue's class of failure this case belongs to
    page: str
    act: str | None = None  # what the visitor's page runs once the replay is live (awaited)
    ready: str | None = None  # true once the page drew itself (before the session starts)
    keyboard: str | None = None  # a field the visitor tabs into, after `act`
    click: str | None = None  # what the visitor clicks with the mouse, after `act`


def fidelity(case: str, act: str | None, kind: str) -> Case:
    return Case(kind=kind, page=f"fidelity.html?only={case}", act=act)


CASES = {
    # Pages of Tandem's own making, one class each (tests/browser/pages/fidelity.html).
    "canvas-2d": fidelity("canvas-2d", "paintChart('rgb(200, 40, 40)')", "canvas"),
    "canvas-webgl": fidelity("canvas-webgl", "paintGl(30, 90, 220)", "canvas"),
    "popover": fidelity("popover", "openMenu()", "popover"),
    "focus": Case(kind="focus", page="fidelity.html?only=focus", keyboard="#email"),
    "animation": fidelity("animation", "slideDrawer()", "animation"),
    "srcdoc": fidelity("srcdoc", "addFrame(0)", "srcdoc"),
    "indeterminate": fidelity("indeterminate", "setIndeterminate(true)", "indeterminate"),
    "video": fidelity("video", None, "video"),
    "font": fidelity("font", f"({MAKE_FONT})({FONT_URL!r})", "fonts"),
    "svg-sprite": Case(kind="sprites", page="sprites.html", act="addIcon()"),
    "whole-pixel": Case(kind="whole pixels", page="text.html"),
    # Pages built from public libraries (npm devDependencies, served under /npm/).
    "chart.js": Case(kind="canvas", page="chartjs.html", act="update()"),
    "leaflet": Case(kind="canvas", page="leaflet.html", act="pan()"),
    "katex": Case(kind="fonts", page="katex.html"),
    "fontsource": Case(kind="fonts", page="fontsource.html"),
    "shoelace": Case(
        kind="focus", page="shoelace.html", ready="window.ready === true", keyboard="#save"
    ),
    "shoelace-details": Case(
        kind="animation", page="shoelace.html", ready="window.ready === true", act="openMore()"
    ),
    "shoelace-animation": Case(
        kind="animation", page="shoelace.html", ready="window.ready === true", act="showSaved()"
    ),
    "shoelace-checkbox": Case(
        kind="indeterminate",
        page="shoelace.html",
        ready="window.ready === true",
        act="someChosen()",
    ),
    "emotion": Case(kind="focus", page="emotion.html", act="thank()", keyboard="#email"),
    "quill": Case(kind="focus", page="quill.html", act="write()"),
    "mermaid": Case(kind="svg", page="mermaid.html", ready="window.drawn", act="addSequence()"),
    "reveal.js": Case(kind="animation", page="reveal.html", act="advance()"),
    "swagger-ui": Case(
        kind="dom",
        page="swagger.html",
        ready="document.querySelector('.opblock-summary-control') !== null",
        click=".opblock-summary-control",
    ),
}

# Tandem's own visitor panel is never mirrored: the visitor's picture is taken without it
# (its own styles hold it against the page's, so the rule goes into its shadow root).
HIDE_PANEL = """() => {
  const style = document.createElement("style");
  style.textContent = ":host{display:none!important}";
  document.querySelector("[data-tandem-ui]").shadowRoot.append(style);
}"""

SAME_PIXELS = """async ([a, b]) => {
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
  let same = 0;
  for (let i = 0; i < x.length; i += 4) {
    if (Math.abs(x[i] - y[i]) <= 16 && Math.abs(x[i + 1] - y[i + 1]) <= 16
        && Math.abs(x[i + 2] - y[i + 2]) <= 16) same += 1;
  }
  return same / (x.length / 4);
}"""


CONTENT_BOX = """(selector) => {
  const frame = document.querySelector(selector);
  const box = frame.getBoundingClientRect();
  return { x: Math.round(box.x + frame.clientLeft), y: Math.round(box.y + frame.clientTop),
           width: frame.clientWidth, height: frame.clientHeight };
}"""

# Where the viewer's stage would put the replay's corner, centred, before rounding it to
# whole pixels (static/src/agent/viewer.ts), at scale 1.
CENTRED = """() => {
  const stage = document.querySelector("#viewer .stage");
  const frame = stage.querySelector("iframe");
  const box = stage.getBoundingClientRect();
  return [box.left + stage.clientLeft + Math.max(0, (stage.clientWidth - frame.offsetWidth) / 2),
          box.top + stage.clientTop + Math.max(0, (stage.clientHeight - frame.offsetHeight) / 2)];
}"""
AGENT_VIEWPORT = {"width": 1600, "height": 1200}
AGENT_CHAT = """() => {
  const chat = document.createElement("input");
  chat.setAttribute("aria-label", "Message");
  document.body.append(chat);
  chat.focus();
}"""  # roomy enough for the replay at 1:1


def font_route(font: bytes):
    return lambda route: route.fulfill(body=font, content_type="font/ttf")


def act(page, case: Case) -> None:
    if case.act:
        page.evaluate(f"async () => {{ await ({case.act}); }}")
    if case.keyboard:
        page.keyboard.press("Tab")  # focus moves by keyboard: :focus-visible too
        page.evaluate("(selector) => document.querySelector(selector).focus()", case.keyboard)
    if case.click:
        page.click(case.click)


def settled(page, selector: str | None) -> bytes:
    """A screenshot of `selector`'s content (None: the viewport), on whole pixels of the
    page, once it stayed the same for a second (at most ~8 s): the replay applies changes
    a little after the page made them, canvas pictures at most 5 a second."""

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


def visitor_page(browser, url: str, case: Case, font: bytes):
    page = browser.new_context(viewport=VIEWPORT).new_page()
    page.route(f"**{FONT_URL}", font_route(font))
    page.goto(url)
    if case.ready:
        page.wait_for_function(case.ready, timeout=30_000)
    page.wait_for_function(LOADED, timeout=30_000)
    return page


def tandem_replay(browser, tandem: str, url: str, case: Case, font: bytes):
    """The visitor's page, the agent's replay of it at 1:1, and where the viewer would
    have put the replay had it not rounded its position."""
    visitor = visitor_page(browser, url, case, font)
    agent = open_viewer(browser, tandem, start_session(visitor), AGENT_VIEWPORT)
    visitor.evaluate(HIDE_PANEL)
    agent.add_style_tag(content=".replayer-mouse{display:none!important}")
    agent.click("#viewer .zoom-actual")
    agent.wait_for_function("() => document.querySelector('#viewer').dataset.scale === '1.0000'")
    # A stage whose centre falls between two pixels, which the viewer must round.
    for extra in range(4):
        agent.set_viewport_size({key: value + extra for key, value in AGENT_VIEWPORT.items()})
        agent.wait_for_timeout(100)
        centre = agent.evaluate(CENTRED)
        if centre[0] % 1 or centre[1] % 1:
            break
    act(visitor, case)
    direct = settled(visitor, None)
    settled(agent, "#viewer .stage iframe")
    agent.focus("#chat-text")  # the agent types to the visitor meanwhile
    replayed = settled(agent, "#viewer .stage iframe")
    visitor.context.close()
    agent.context.close()
    return direct, replayed, centre


def plain_rrweb(browser, url: str, case: Case, font: bytes, centre: list[float]) -> bytes:
    """Plain rrweb's replay of the same page; for the whole-pixel case placed where a
    viewer centring it in Tandem's stage would (`centre`), by a CSS transform and not
    rounded to whole pixels."""
    visitor = visitor_page(browser, url, case, font)
    visitor.add_script_tag(path=str(RRWEB / "record" / "dist" / "record.umd.min.cjs"))
    visitor.evaluate(
        """() => { window.recorded = [];
                   rrwebRecord.record({ emit: (event) => window.recorded.push(event) }); }"""
    )
    act(visitor, case)
    settled(visitor, None)
    events = visitor.evaluate("JSON.stringify(window.recorded)")
    floor = browser.new_context(viewport=AGENT_VIEWPORT).new_page()
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
    if case.kind == "whole pixels":
        floor.add_style_tag(
            content=f"body{{margin:0}}.replayer-wrapper{{position:absolute;left:0;top:0;"
            f"transform:translate({centre[0]}px,{centre[1]}px)}}"
        )
    floor.wait_for_selector(".replayer-wrapper iframe")
    settled(floor, ".replayer-wrapper iframe")
    # The agent types to the visitor in a box of its own, as in Tandem's viewer: rrweb's
    # replay shows the visitor's focus by focusing the field in the replay, which lasts
    # only until the agent's focus is somewhere else.
    floor.evaluate(AGENT_CHAT)
    replayed = settled(floor, ".replayer-wrapper iframe")
    visitor.context.close()
    floor.context.close()
    return replayed


def same(page, a: bytes, b: bytes) -> float:
    return page.evaluate(SAME_PIXELS, [base64.b64encode(a).decode(), base64.b64encode(b).decode()])


def ahead(ours: float, floor: float) -> str:
    return "yes" if ours > floor else ("same" if ours == floor else "NO")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("cases", nargs="*", help=f"only these cases, of: {', '.join(CASES)}")
    parser.add_argument("--shots", type=Path, help="save each case's three pictures here")
    args = parser.parse_args()
    if unknown := set(args.cases) - set(CASES):
        parser.error(f"unknown cases: {', '.join(sorted(unknown))}")
    chosen = args.cases or list(CASES)

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
                for name in chosen:
                    case, url = CASES[name], f"{pages}/{CASES[name].page}"
                    # Both replays against one picture of the page: Tandem's visitor (its
                    # panel hidden), whose page is the same as plain rrweb's visitor's.
                    direct, ours, centre = tandem_replay(browser, server.url, url, case, font)
                    floor = plain_rrweb(browser, url, case, font, centre)
                    if args.shots:
                        args.shots.mkdir(parents=True, exist_ok=True)
                        for label, shot in (("page", direct), ("tandem", ours), ("rrweb", floor)):
                            (args.shots / f"{name}-{label}.png").write_bytes(shot)
                    results[name] = (
                        same(scratch, direct, ours),
                        same(scratch, direct, floor),
                    )
                    ours, floor = results[name]
                    print(f"  {name}: tandem {ours:.1%}, plain rrweb {floor:.1%}", flush=True)
                browser.close()
        finally:
            stop_server(server)

    print("\nReplay fidelity: share of the visitor's pixels the agent's replay shows the same")
    print(f"{'case':<19} {'class':<14} {'tandem':>8} {'plain rrweb':>12}  ahead")
    for name, (ours, floor) in results.items():
        kind, mark = CASES[name].kind, ahead(ours, floor)
        print(f"{name:<19} {kind:<14} {ours:>8.2%} {floor:>12.2%}  {mark}")
    print("\nby class (mean of its cases)")
    print(f"{'class':<19} {'cases':>5} {'tandem':>8} {'plain rrweb':>12}  ahead")
    for kind in dict.fromkeys(CASES[name].kind for name in results):
        rows = [results[name] for name in results if CASES[name].kind == kind]
        ours, floor = (sum(row[i] for row in rows) / len(rows) for i in (0, 1))
        print(f"{kind:<19} {len(rows):>5} {ours:>8.2%} {floor:>12.2%}  {ahead(ours, floor)}")
    worst = min(ours for ours, _ in results.values())
    print(f"\nworst case, tandem: {worst:.2%}")
    print(json.dumps({name: {"tandem": a, "rrweb": b} for name, (a, b) in results.items()}))


if __name__ == "__main__":
    main()
