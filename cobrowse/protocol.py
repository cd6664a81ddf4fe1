"""The wire protocol as data: every frame a client may send, per socket, and its validator.

`docs/protocol.md` describes the same tables; `static/src/protocol.ts` mirrors them as
TypeScript types. A new frame type is a new entry here plus a handler in the consumer.
"""

import json
import re
from dataclasses import dataclass
from enum import IntEnum

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


class CloseCode(IntEnum):
    """Every close code the server sends. WebSocket servers let an application send only
    1000 or 3000-4999 (autobahn, under daphne, refuses anything else with an exception), so
    Tandem's own codes are 4000-4999, most of them an HTTP status plus 4000."""

    NORMAL = 1000
    ENDED = 4000  # the session ended, or a unique presence id expired
    GROUPS_CHANGED = 4001  # dashboard: the agent's groups changed; the page reconnects
    UNAUTHENTICATED = 4401
    FORBIDDEN = 4403  # origin not trusted, or a frame on a refused socket
    NOT_FOUND = 4404
    SLOW = 4408  # the client did not read what the server sent it
    TOO_BIG = 4413  # a client frame over TANDEM_WS_MAX_FRAME_BYTES
    RATE_LIMITED = 4429  # too many frames, sockets or session starts
    INTERNAL = 4500  # a fault of the server's ended the socket


# What each refusal that closes a socket closes it with; other codes keep it open.
CLOSE_FOR_ERROR: dict[ErrorCode, CloseCode] = {
    ErrorCode.TOO_BIG: CloseCode.TOO_BIG,
    ErrorCode.RATE_LIMITED: CloseCode.RATE_LIMITED,
    ErrorCode.ORIGIN: CloseCode.FORBIDDEN,
    ErrorCode.FORBIDDEN: CloseCode.FORBIDDEN,
    ErrorCode.UNAUTHENTICATED: CloseCode.UNAUTHENTICATED,
    ErrorCode.NOT_FOUND: CloseCode.NOT_FOUND,
    ErrorCode.UNKNOWN_GROUP: CloseCode.NOT_FOUND,
    ErrorCode.ENDED: CloseCode.ENDED,
    ErrorCode.EXPIRED: CloseCode.ENDED,
}


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

# The visitor's page as its start and resume frames name it (shown on the dashboards).
PAGE_URL_MAX = 500
PAGE_TITLE_MAX = 200
_PAGE_FIELDS = {
    # The page's origin and path (the page leaves out the query and fragment).
    "url": Field(str, False, max_len=PAGE_URL_MAX),
    "title": Field(str, False, max_len=PAGE_TITLE_MAX),
}

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
        **_PAGE_FIELDS,
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
        **_PAGE_FIELDS,
    },
    "focus": {},
    # The visitor's tab was hidden (another tab or window in front) or shown again.
    "visibility": {"hidden": Field(bool)},
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
    # End the session for everyone (any agent in it may).
    "end": {},
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
        if not _SURROGATE_ESCAPE.search(text):
            raise TandemError(ErrorCode.BAD_JSON, "Frame is not valid JSON.") from None
        frame = _loads_lone_surrogates(text)
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


_LONE_SURROGATE = re.compile("[\ud800-\udfff]")
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")
_INT_RANGE = range(-(2**63), 2**64)


def _strict_int(digits: str) -> int | float:
    # As orjson: an integer beyond 64 bits is read as a float.
    value = int(digits)
    return value if value in _INT_RANGE else float(value)


def _strict_float(digits: str) -> float:
    value = float(digits)
    if value in (float("inf"), float("-inf")):
        raise ValueError("number out of range")
    return value


def _refuse_constant(name: str) -> None:
    raise ValueError(f"{name} is not JSON")


def _well_formed(value: object) -> object:
    if isinstance(value, str):
        return _LONE_SURROGATE.sub("\ufffd", value)
    if isinstance(value, list):
        return [_well_formed(item) for item in value]
    if isinstance(value, dict):
        return {_well_formed(name): _well_formed(item) for name, item in value.items()}
    return value


def _loads_lone_surrogates(text: str) -> object:
    """JSON that orjson refuses only because a string escapes half a surrogate pair.

    A browser's JSON.stringify writes a lone surrogate (half an emoji cut off by the page,
    or by a script) as a `\\udXXX` escape: valid JSON, but not valid Unicode, which orjson
    will not decode. Such a frame is read with Python's own parser, as strictly otherwise
    (no NaN, no infinity), and each lone surrogate in its values becomes U+FFFD, so nothing
    downstream (a database, orjson, the UTF-8 transport) meets one. Relayed mirror frames
    keep their text as the page sent it: the agent's browser decodes the escape itself.
    """
    try:
        frame = json.loads(
            text,
            parse_int=_strict_int,
            parse_float=_strict_float,
            parse_constant=_refuse_constant,
        )
        return _well_formed(frame)
    except (ValueError, RecursionError):
        raise TandemError(ErrorCode.BAD_JSON, "Frame is not valid JSON.") from None


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
