"""site_connect's topic matcher (static/src/siteconnect/topics.ts), run in node on
hypothesis' cases and compared with a reference written here as plainly as possible."""

import json
import subprocess
from collections.abc import Callable, Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.servers import ROOT

ESBUILD = ROOT / "node_modules" / ".bin" / "esbuild"
TOPICS_TS = ROOT / "static" / "src" / "siteconnect" / "topics.ts"

# Answers one JSON line [function, ...args] with one JSON line: the function's result.
DRIVER = """
const topics = require(process.argv[2]);
const lines = require("readline").createInterface({ input: process.stdin });
lines.on("line", (line) => {
  const [name, ...args] = JSON.parse(line);
  process.stdout.write(JSON.stringify(topics[name](...args)) + "\\n");
});
"""

MAX_LENGTH = 512


# The reference: MQTT's rules, one level at a time.


def ref_is_topic(value: str) -> bool:
    return 0 < len(value) <= MAX_LENGTH and "+" not in value and "#" not in value


def ref_is_pattern(value: str) -> bool:
    if not 0 < len(value) <= MAX_LENGTH:
        return False
    levels = value.split("/")
    for index, level in enumerate(levels):
        if level == "#" and index != len(levels) - 1:
            return False
        if level not in ("+", "#") and ("+" in level or "#" in level):
            return False
    return True


def ref_matches(pattern: str, topic: str) -> bool:
    def match(want: list[str], have: list[str]) -> bool:
        if not want:
            return not have
        if want[0] == "#":
            return True  # this level and all below, or none (`a/#` matches `a`)
        if not have:
            return False
        return want[0] in ("+", have[0]) and match(want[1:], have[1:])

    return match(pattern.split("/"), topic.split("/"))


@pytest.fixture(scope="module")
def ts(tmp_path_factory) -> Iterator[Callable[..., object]]:
    """Call a function of the compiled topics.ts: ts("matches", pattern, topic)."""
    tmp = tmp_path_factory.mktemp("topics")
    bundle = tmp / "topics.js"
    subprocess.run(
        [str(ESBUILD), str(TOPICS_TS), "--bundle", "--format=cjs", "--platform=node",
         f"--outfile={bundle}", "--log-level=warning"],
        check=True,
    )  # fmt: skip
    driver = tmp / "driver.js"
    driver.write_text(DRIVER)
    node = subprocess.Popen(
        ["node", str(driver), str(bundle)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )

    def call(name: str, *args: object) -> object:
        assert node.stdin and node.stdout
        node.stdin.write(json.dumps([name, *args]) + "\n")
        node.stdin.flush()
        return json.loads(node.stdout.readline())

    yield call
    node.stdin.close()
    node.wait(timeout=10)


# Levels from a small vocabulary, so that filters and topics often meet.
WORDS = ["truck", "0001", "0002", "temperature", "~", "~pagesession", "site_connect", "", "é"]
word = st.sampled_from(WORDS) | st.text(alphabet="ab~_ ", max_size=3)
topic_levels = st.lists(word, min_size=1, max_size=6)
topics = topic_levels.map("/".join).filter(lambda t: 0 < len(t) <= MAX_LENGTH)
filter_level = word | st.just("+")
filters = st.builds(
    lambda levels, hash_: "/".join(levels + (["#"] if hash_ else [])),
    st.lists(filter_level, min_size=0, max_size=6),
    st.booleans(),
).filter(lambda f: 0 < len(f) <= MAX_LENGTH)
# Any string made of the characters that matter, valid or not: levels of wildcards in
# every place, whole or not, and plain text.
odd_level = st.sampled_from(["+", "#", "a+", "#b", "++", "+#", "", "~", "a"])
raw = (
    st.lists(odd_level, min_size=1, max_size=5).map("/".join)
    | st.text(alphabet="ab/+#~ é", max_size=12)
    | st.text(max_size=20)
)

SETTINGS = settings(
    max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@SETTINGS
@given(pattern=filters, topic=topics)
def test_matches_agrees_with_the_reference(ts, pattern, topic):
    assert ts("matches", pattern, topic) is ref_matches(pattern, topic)


@SETTINGS
@given(
    levels=topic_levels,
    wild=st.lists(st.booleans(), min_size=6, max_size=6),
    keep=st.integers(0, 6),
)
def test_a_filter_made_from_a_topic_matches_it(ts, levels, wild, keep):
    """'+' for any of its levels, '#' for any tail of them: still a filter of that topic."""
    topic = "/".join(levels)
    kept = [("+" if w else level) for level, w in zip(levels, wild, strict=False)][:keep]
    for pattern in ["/".join([*kept, "#"]), "/".join(kept + levels[len(kept) :])]:
        if pattern and len(pattern) <= MAX_LENGTH and len(topic) <= MAX_LENGTH:
            assert ts("matches", pattern, topic) is True


@SETTINGS
@given(value=raw | filters | topics)
def test_filter_and_topic_validation_agree_with_the_reference(ts, value):
    assert ts("isPattern", value) is ref_is_pattern(value)
    assert ts("isTopic", value) is ref_is_topic(value)
    if ref_is_topic(value):
        assert ts("isLocal", value) is value.startswith("~/")


@SETTINGS
@given(value=st.text(alphabet="a/+#", min_size=MAX_LENGTH - 2, max_size=MAX_LENGTH + 2))
def test_overlong_filters_and_topics_are_refused(ts, value):
    assert ts("isPattern", value) is ref_is_pattern(value)
    assert ts("isTopic", value) is ref_is_topic(value)


@pytest.mark.parametrize(
    ("pattern", "topic", "expected"),
    [
        # The examples of site_connect's documentation.
        ("truck/0001/temperature", "truck/0001/temperature", True),
        ("truck/0001/temperature", "truck/0002/temperature", False),
        ("truck/+/temperature", "truck/0002/temperature", True),
        ("truck/+/temperature", "truck/0002/fuel", False),
        ("+/+/temperature", "car/0007/temperature", True),
        ("+/+/temperature", "truck/0001/inside/temperature", False),
        ("truck/0001/#", "truck/0001/fuel/level", True),
        ("truck/0001/#", "truck/0001", True),
        ("truck/0001/#", "truck/0002/fuel", False),
        ("#", "~/site_connect/ready", True),
        ("~/site_connect/#", "~/site_connect/chat_button/help/enabled", True),
        ("~pagesession/+/start", "~pagesession/cobrowsing/start", True),
        ("+", "/", False),
        ("+/+", "/", True),
    ],
)
def test_documented_examples(ts, pattern, topic, expected):
    assert ts("matches", pattern, topic) is expected
    assert ref_matches(pattern, topic) is expected
