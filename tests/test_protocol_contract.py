"""The protocol declared once (core/protocol.py) agrees with the code that speaks it:
every socket routed is declared, every declared client frame has its handler and every
handler its declaration, every server frame the code builds is declared, and every
setting the server reads is in .env.example."""

import ast
import importlib
import re
from pathlib import Path

import pytest

from core import protocol, sockets
from core.errors import ErrorCode
from core.protocol import AGENT, SOCKETS, VISITOR, CloseCode, frame_check
from tandem.routing import websocket_urlpatterns

ROOT = Path(__file__).resolve().parent.parent
# The packages whose code sends frames.
APPS = ("core", "cobrowse", "presence", "agents", "api", "siteconnect", "demo", "tandem")


def _consumer(socket: protocol.Socket) -> type:
    module, name = socket.consumer.rsplit(".", 1)
    return getattr(importlib.import_module(module), name)


def test_every_routed_socket_is_declared():
    routed = {pattern.callback.consumer_class for pattern in websocket_urlpatterns}

    assert routed == {_consumer(socket) for socket in SOCKETS}


@pytest.mark.parametrize("socket", SOCKETS, ids=lambda socket: socket.name)
def test_consumer_validates_and_sends_with_its_declaration(socket):
    consumer = _consumer(socket)

    assert consumer.frames == socket.client
    assert consumer.server_frames == socket.server


@pytest.mark.parametrize("socket", SOCKETS, ids=lambda socket: socket.name)
def test_every_client_frame_has_a_handler_and_every_handler_a_frame(socket):
    consumer = _consumer(socket)
    handlers = {name.removeprefix("on_") for name in dir(consumer) if name.startswith("on_")}

    assert handlers == set(socket.client)


def _frame_types_built_in(path: Path) -> set[str]:
    """The `t` of every dict literal in a module that names one, and the type of every
    frame built with `<SOCKET>.frame("<type>", ...)`."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "frame"
            and isinstance(node.func.value, ast.Name)
            and node.args
        ):
            first = node.args[0]
            if isinstance(first, ast.Constant):
                found.add(first.value)
            elif isinstance(first, ast.IfExp):
                found |= {first.body.value, first.orelse.value}
        if isinstance(node, ast.Dict):
            for key, value in zip(node.keys, node.values, strict=True):
                if isinstance(key, ast.Constant) and key.value == "t":
                    if isinstance(value, ast.Constant):
                        found.add(value.value)
                    elif isinstance(value, ast.IfExp):
                        found |= {value.body.value, value.orelse.value}
    return found


def test_every_server_frame_the_code_builds_is_declared():
    declared = {frame_type for socket in SOCKETS for frame_type in socket.server}
    built = {
        (frame_type, str(path.relative_to(ROOT)))
        for app in APPS
        for path in (ROOT / app).rglob("*.py")
        if "migrations" not in path.parts and path.name != "protocol.py"
        for frame_type in _frame_types_built_in(path)
    }

    assert {(frame_type, path) for frame_type, path in built if frame_type not in declared} == set()


def test_every_declared_server_frame_is_built_somewhere():
    built = {
        frame_type
        for app in APPS
        for path in (ROOT / app).rglob("*.py")
        if "migrations" not in path.parts
        for frame_type in _frame_types_built_in(path)
    }
    # The mirror's frames are relayed as the visitor's text; started/resumed share a builder.
    relayed = {"ev", "snap", "started", "resumed"}
    declared = {frame_type for socket in SOCKETS for frame_type in socket.server}

    assert declared - built - relayed == set()


def test_a_frame_the_declaration_does_not_have_is_caught():
    assert frame_check({"t": "rc", "enabled": True, "to": 0}, table=VISITOR.server) == []
    assert frame_check({"t": "nope"}, table=VISITOR.server)
    assert frame_check({"t": "rc", "enabled": True}, table=VISITOR.server)  # `to` missing
    assert frame_check({"t": "rc_pending", "agent": "a", "extra": 1}, table=AGENT.server)
    assert frame_check({"t": "error", "code": "made_up", "msg": ""}, table=AGENT.server)


def test_the_tests_check_every_frame_consumers_send():
    # tests/conftest.py turns the check on for every test.
    assert sockets.sent_frame_problems == []


def test_every_error_and_close_code_is_documented():
    assert set(protocol.ERROR_DOCS) == set(ErrorCode)
    assert set(protocol.CLOSE_DOCS) == set(CloseCode)
    assert set(protocol.CLOSE_FOR_ERROR.values()) <= set(CloseCode)


def test_a_consumer_whose_handlers_disagree_with_its_declaration_is_refused():
    with pytest.raises(TypeError, match="without a handler"):
        type("Deaf", (sockets.FrameConsumer,), {"frames": VISITOR.client})
    with pytest.raises(TypeError, match="undeclared frames"):
        type("Eager", (sockets.FrameConsumer,), {"on_nope": lambda self, frame, text: None})


def test_a_server_frame_of_another_socket_cannot_be_built():
    with pytest.raises(KeyError):
        VISITOR.frame("joined")


def test_env_example_lists_every_setting_the_server_reads():
    settings = (ROOT / "tandem" / "settings.py").read_text(encoding="utf-8")
    read = set(re.findall(r"env_\w+\(\s*\"(TANDEM_\w+)\"", settings))
    example = (ROOT / ".env.example").read_text(encoding="utf-8")
    listed = set(re.findall(r"^#?\s*(TANDEM_\w+)=", example, flags=re.MULTILINE))

    assert read, "no TANDEM_* settings found in tandem/settings.py"
    assert read - listed == set()


# Vendors' names, kept as their APIs spell them (docs/protocol.md, "Names").
VENDOR_NAMES = {"visitorid", "mtype", "visitorsig"}


def _names(fields: dict) -> set[str]:
    return set(fields) - VENDOR_NAMES


def test_tandems_own_frame_and_field_names_are_snake_case():
    snake = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)*$")
    names = {
        (socket.name, frame_type, name)
        for socket in SOCKETS
        for table in (socket.client, socket.server)
        for frame_type, frame in table.items()
        for name in {frame_type} | _names(frame.fields)
    } | {
        ("shape", shape_name, name)
        for shape_name, shape in protocol.SHAPES.items()
        for name in _names(getattr(shape, "fields", {}) or {})
    }
    assert sorted(entry for entry in names if not snake.match(entry[2])) == []


def _ts_members(path: Path, name: str, enum: str) -> set[str]:
    """The `Enum.MEMBER` names listed in the TypeScript set constant `name`."""
    text = (ROOT / path).read_text()
    body = re.search(rf"const {name}\b[^\[]*\[(.*?)\]", text, re.S)
    assert body, f"{name} not found in {path}"
    return set(re.findall(rf"{enum}\.(\w+)", body.group(1)))


def test_agent_pages_know_which_refusals_and_closes_are_for_good():
    """The agent pages' sockets stop on the close codes after which another attempt cannot
    help, and on the error frames the server closes with one of them (CLOSE_FOR_ERROR)."""
    permanent = _ts_members(Path("static/src/socket.ts"), "PERMANENT_CLOSE", "CloseCode")
    assert permanent == {"ENDED", "UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND"}
    closes_for_good = {
        error.name for error, close in protocol.CLOSE_FOR_ERROR.items() if close.name in permanent
    }
    final = _ts_members(Path("static/src/agent/final.ts"), "PERMANENT_ERRORS", "ErrorCode")
    assert final == closes_for_good
