"""The wire protocol as data: every frame a client may send, per socket, and its validator.

`docs/protocol.md` describes the same tables; `static/src/protocol.ts` mirrors them as
TypeScript types. A new frame type is a new entry here plus a handler in the consumer.
"""

import re
from dataclasses import dataclass

import orjson

from cobrowse.errors import ErrorCode, TandemError
from cobrowse.keys import (
    SESSION_KEY_MAX,
    SESSION_KEY_RE,
    SESSION_KEY_RULE,
    VISITOR_EMAIL_MAX,
    VISITOR_NAME_MAX,
    VISITOR_PHONE_MAX,
)

MAX_CHUNKS = 1024


@dataclass(frozen=True)
class Field:
    kind: type | tuple[type, ...]
    required: bool = True
    max_len: int | None = None
    # A string field that names one of a fixed set of values.
    choices: frozenset[str] | None = None
    # A string field that must match this pattern; `rule` says what it is, for the error.
    pattern: re.Pattern | None = None
    rule: str = ""


# The visitor page's elements a share shows in (Glance's screenshareView names).
SHARE_VIEWS = frozenset({"glance_screenshare", "glance_agentvideo"})
# WebRTC signalling: the sharing agent offers, each view iframe on the visitor's page
# says it is ready and answers; either side sends ICE candidates and hangs up.
AGENT_RTC_KINDS = frozenset({"offer", "ice", "bye"})
VISITOR_RTC_KINDS = frozenset({"ready", "answer", "ice", "bye"})
_PEER = Field(str, max_len=40)
_RTC_DATA = Field(dict)


_SEQ = Field(int)
_CHUNK_FIELDS = {"part": Field(int, False), "parts": Field(int, False), "d": Field(str, False)}

# Frames a visitor page sends on the visitor socket.
VISITOR_FRAMES: dict[str, dict[str, Field]] = {
    "start": {
        "site": Field(str, max_len=40),
        # None (or absent): a random key. The page's own key follows Glance's format.
        "key": Field(
            (str, type(None)),
            False,
            max_len=SESSION_KEY_MAX,
            pattern=re.compile(SESSION_KEY_RE),
            rule=SESSION_KEY_RULE,
        ),
        # Who the visitor is, as the page says (Glance's start parameters); shown to agents.
        "name": Field(str, False, max_len=VISITOR_NAME_MAX),
        "email": Field(str, False, max_len=VISITOR_EMAIL_MAX),
        "phone": Field(str, False, max_len=VISITOR_PHONE_MAX),
        "ua": Field(str, False, max_len=512),
        # A session only for a reverse session: it starts with the invitation open.
        "reverse": Field(bool, False),
    },
    "ev": {"s": _SEQ, "e": Field(list, False), **_CHUNK_FIELDS},
    "snap": {
        "s": _SEQ,
        "to": Field(list, False),
        "p": Field(str, False, max_len=40),
        "e": Field(list, False),
        **_CHUNK_FIELDS,
    },
    "resume": {
        "token": Field(str, max_len=1000),
        "why": Field(str, False, max_len=20),
    },
    "focus": {},
    # Ask for a short-lived token that continues the session on another trusted domain.
    "handoff": {},
    # Remote control: the visitor's answer to a request, its end, and a refused input.
    # `req`: the request answered (the asking agent's client index, from rcrequested).
    "rc": {"enabled": Field(bool), "req": Field(int, False)},
    "rc_decline": {"req": Field(int)},
    # Surfly's giveControl: hand control to the agent with this client index (0: back).
    "rc_give": {"to": Field(int)},
    "rc_refused": {"to": Field(str, max_len=1000), "msg": Field(str, max_len=200)},
    "stop": {},
    # A message for the session's agents (Surfly's sendMessage); any JSON value.
    "message": {"data": Field((dict, list, str, int, float, bool), True)},
    # Signalling from a view iframe to the sharing agent (relayed to it alone).
    "rtc": {
        "peer": _PEER,
        "kind": Field(str, max_len=10, choices=VISITOR_RTC_KINDS),
        "data": _RTC_DATA,
    },
    # The visitor's answer to an agent's reverse-session invitation.
    "reverse": {"accept": Field(bool)},
}

# Frames an agent's viewer sends on the agent socket.
AGENT_FRAMES: dict[str, dict[str, Field]] = {
    "resync": {},
    "rc_request": {},
    "accessibility": {"enabled": Field(bool)},
    "rc_end": {},
    # One input of the agent's, applied to the visitor's page by mirror node id.
    "input": {
        "kind": Field(str, max_len=10),
        "p": Field(str, False, max_len=40),
        "id": Field(int),
        "value": Field((str, bool), False, max_len=10_000),
        "x": Field((int, float), False),
        "y": Field((int, float), False),
    },
    # A chat message for the visitor (and the other agents); any JSON value.
    "message": {"data": Field((dict, list, str, int, float, bool), True)},
    # Screen share / agent video: start (or switch view), pause, resume, stop.
    "share_start": {"view": Field(str, max_len=20, choices=SHARE_VIEWS)},
    "share_pause": {},
    "share_resume": {},
    "share_stop": {},
    # Signalling from the sharing agent to the view iframes on the visitor's page.
    "rtc": {
        "peer": _PEER,
        "kind": Field(str, max_len=10, choices=AGENT_RTC_KINDS),
        "data": _RTC_DATA,
    },
    # Reverse session: invite the visitor to watch the agent's screen; withdraw or end it.
    "reverse_invite": {},
    "reverse_end": {},
}

# What an agent may do on the visitor's page under remote control.
INPUT_KINDS = frozenset({"click", "input", "scroll"})

# Frames the agent dashboard sends: a signal or invoke for a visitor (presence).
DASHBOARD_FRAMES: dict[str, dict[str, Field]] = {
    "signal": {
        "group": Field(int),
        "visitorid": Field(str, max_len=100),
        "mtype": Field(str, max_len=10),
        "data": Field((dict, list, str, int, float, bool, type(None)), False),
    },
    # Is this visitor id (or unique code) online now? Answered with `found`.
    "lookup": {"group": Field(int), "visitorid": Field(str, max_len=100)},
    # The agent switches between available and away (every dashboard of it follows).
    "availability": {"available": Field(bool)},
}

# Sockets the client only listens on: every frame it sends is refused as unknown.
NO_FRAMES: dict[str, dict[str, Field]] = {}


def frame_parse(text: str | None, *, table: dict[str, dict[str, Field]], max_bytes: int) -> dict:
    """Decode and validate one client frame against `table`; raise TandemError when bad."""
    if text is None:
        raise TandemError(ErrorCode.BAD_FRAME, "Binary frames are not accepted on this socket.")
    # Cheap bound first: a character is at most four UTF-8 bytes.
    if len(text) * 4 > max_bytes and len(text.encode()) > max_bytes:
        raise TandemError(ErrorCode.TOO_BIG, f"Frame exceeds {max_bytes} bytes.")
    try:
        frame = orjson.loads(text)
    except orjson.JSONDecodeError:
        raise TandemError(ErrorCode.BAD_JSON, "Frame is not valid JSON.") from None
    if not isinstance(frame, dict):
        raise TandemError(ErrorCode.BAD_FRAME, "Frame must be a JSON object.")
    frame_type = frame.get("t")
    if not isinstance(frame_type, str):
        raise TandemError(ErrorCode.BAD_FRAME, "Frame needs a string field 't'.")
    fields = table.get(frame_type)
    if fields is None:
        raise TandemError(ErrorCode.UNKNOWN_TYPE, f"Unknown frame type {frame_type[:40]!r}.")
    for name, field in fields.items():
        _check_field(frame_type, name, field, frame)
    if "parts" in fields:
        _check_chunking(frame_type, frame)
    return frame


def _check_field(frame_type: str, name: str, field: Field, frame: dict) -> None:
    if name not in frame:
        if field.required:
            raise TandemError(ErrorCode.BAD_FRAME, f"'{frame_type}' frame needs field '{name}'.")
        return
    value = frame[name]
    # bool is an int in Python; a sequence number of `true` is still wrong.
    if not isinstance(value, field.kind) or (isinstance(value, bool) and field.kind is int):
        raise TandemError(ErrorCode.BAD_FRAME, f"Field '{name}' of '{frame_type}' has wrong type.")
    if field.max_len is not None and isinstance(value, str) and len(value) > field.max_len:
        raise TandemError(ErrorCode.BAD_FRAME, f"Field '{name}' of '{frame_type}' is too long.")
    if field.pattern is not None and isinstance(value, str) and not field.pattern.match(value):
        raise TandemError(ErrorCode.BAD_FRAME, field.rule or f"Field '{name}' has a bad value.")
    if field.choices is not None and value not in field.choices:
        raise TandemError(
            ErrorCode.BAD_FRAME, f"Field '{name}' of '{frame_type}' has an unknown value."
        )


def _check_chunking(frame_type: str, frame: dict) -> None:
    """A mirror frame carries either `e` (events) or one chunk `d` of `parts`."""
    if frame["s"] < 0:
        raise TandemError(ErrorCode.BAD_FRAME, f"'{frame_type}' sequence must not be negative.")
    chunked = "d" in frame
    if chunked == ("e" in frame):
        raise TandemError(ErrorCode.BAD_FRAME, f"'{frame_type}' needs exactly one of 'e' or 'd'.")
    if chunked:
        part, parts = frame.get("part"), frame.get("parts")
        if part is None or parts is None or not (0 <= part < parts <= MAX_CHUNKS):
            raise TandemError(
                ErrorCode.BAD_FRAME, f"Chunked '{frame_type}' needs 0 <= part < parts <= 1024."
            )
