"""The wire protocol, declared once: every socket's frames in both directions, their fields
(types, limits, allowed values), the error codes and the close codes.

Everything else follows from this module: the server validates client frames with it
(`frame_parse`) and, under the tests, checks each frame it sends against it
(`frame_check`); `make protocol` (core/protocol_codegen.py) writes
`static/src/protocol.ts` and the generated tables of `docs/protocol.md` from it; and
tests/test_protocol_is_generated.py and tests/test_protocol_contract.py fail when those
files, a consumer's handlers or a frame the server sends disagree with it.

It imports nothing of Django, so the generator runs without the apps loaded.

To add a frame:
1. Add `"<type>": Frame({...fields}, doc="...")` to the socket's `client` table (what the
   browser sends) or `server` table (what the server sends) below. A field is
   `Field(<python type>, required, max_len=..., choices=..., doc=...)`; give `ts=` when its
   TypeScript type is richer than the Python type says (a named shape from `SHAPES`).
2. A client frame: write `on_<type>(self, frame, text)` in the socket's consumer (a
   consumer class whose handlers and declared client frames differ is refused when it is
   defined). A server frame: build it with `<SOCKET>.frame("<type>", field=...)` and send
   it with `send_frame` (under the tests each sent frame is checked field by field).
3. Run `make protocol` and commit the regenerated `static/src/protocol.ts` and
   `docs/protocol.md` with the change; use the generated TypeScript type in the page code.
A new error code goes in `core.errors.ErrorCode` plus its line in `ERROR_DOCS` (and
`CLOSE_FOR_ERROR` when it closes the socket); a new close code in `CloseCode` and
`CLOSE_DOCS`.
"""

import json
import re
from dataclasses import dataclass, field
from enum import IntEnum

import orjson

from core.errors import ErrorCode, TandemError
from core.keys import (
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


CLOSE_DOCS: dict[CloseCode, str] = {
    CloseCode.NORMAL: (
        "Normal: the browser closes its own socket (`stopSession()`, `disconnect()`)."
    ),
    CloseCode.ENDED: (
        'Session ended (after an `ended` frame, reason `"session ended"`, or an `ended` '
        "error), or a unique presence id expired."
    ),
    CloseCode.GROUPS_CHANGED: (
        "Dashboard: the agent's groups changed (a membership was removed); the page reconnects."
    ),
    CloseCode.UNAUTHENTICATED: "Not logged in, signed out, or deactivated.",
    CloseCode.FORBIDDEN: (
        "Origin not trusted (visitor, presence) or not Tandem's own (agent, dashboard), a "
        "frame on a refused socket, or (agent) no longer a member of the session's group."
    ),
    CloseCode.NOT_FOUND: (
        "Unknown group (visitor, presence), no such session in your groups (agent), or no "
        "socket at this path."
    ),
    CloseCode.SLOW: (
        "The client did not read what the server sent it: more than "
        "`TANDEM_WS_MAX_PENDING_BYTES` waited (every socket but the agent's viewer, which "
        "loses frames instead; see [Limits](#limits))."
    ),
    CloseCode.TOO_BIG: "A client frame over `TANDEM_WS_MAX_FRAME_BYTES` (`too_big`).",
    CloseCode.RATE_LIMITED: (
        "Too many frames, too many open sockets from one address, or too many session "
        "starts from one address (`rate_limited`)."
    ),
    CloseCode.INTERNAL: "A fault of the server's ended the socket (logged with its traceback).",
}


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

ERROR_DOCS: dict[ErrorCode, str] = {
    ErrorCode.BAD_JSON: "The text is not valid JSON.",
    ErrorCode.BAD_FRAME: (
        "A binary message; not a JSON object; no string `t`; a required field missing; a "
        "field of the wrong type or too long; a negative `s`; both or neither of `e`/`d`; "
        "bad `part`/`parts`; a `start` key that is not 1-50 ASCII letters/digits/`-`/`_`; an "
        "`rc`/`rc_decline` without a pending request or whose `req` is not the pending one; "
        "`rc_give` to an unknown index; an unknown input "
        "`kind`; a `share_start` `view` or `rtc` `kind` not allowed on that socket; an `rtc` "
        "`data` that is not an object; a `message` over 16 KiB; a bad visitor id, presence "
        "data, `hello`, `extend`, `mtype` or invoke."
    ),
    ErrorCode.UNKNOWN_TYPE: "`t` is not a frame type of this socket.",
    ErrorCode.TOO_BIG: "The text is longer than `TANDEM_WS_MAX_FRAME_BYTES` in UTF-8 bytes.",
    ErrorCode.RATE_LIMITED: (
        "The socket exceeded its rate limit; or, sent on connect, its client address has "
        "`TANDEM_CLIENT_MAX_SOCKETS` sockets open already; or a `start` over the address's "
        "`TANDEM_CLIENT_SESSION_STARTS_PER_MINUTE`."
    ),
    ErrorCode.UPSTREAM: (
        "HTTP only, never on a socket: the asset proxy (`/cobrowse/asset/`) could not fetch "
        "an asset of the replayed page (the site did not answer, answered an error, or its "
        "name did not resolve); a 502 with this code."
    ),
    ErrorCode.NOT_SENT: (
        "A frame for this client was larger than `TANDEM_WS_MAX_SEND_BYTES` and was not sent "
        "(the server's limit, not the client's fault; logged). The socket stays open."
    ),
    ErrorCode.ORIGIN: (
        "Visitor or presence socket: the `Origin` is missing or not trusted by the group. "
        "Agent session or dashboard socket: the `Origin` is not Tandem's own. Sent on connect."
    ),
    ErrorCode.UNKNOWN_GROUP: (
        "Visitor or presence socket: no group with that public id. Sent on connect."
    ),
    ErrorCode.UNKNOWN_SITE: "`start` names a site the group does not have.",
    ErrorCode.SITE_DISABLED: "`start` names a disabled site.",
    ErrorCode.KEY_IN_USE: (
        "`start` with a key that is already live, or no free random key found in 20 tries. "
        "Presence `hello` with an id held by a live unique connection."
    ),
    ErrorCode.NOT_STARTED: (
        "Visitor socket: a frame other than `start`/`resume` before a session. Presence "
        "socket: a frame before `hello`."
    ),
    ErrorCode.ALREADY_STARTED: (
        "A second `start`/`resume` on a visitor socket, or a second `hello` on a presence socket."
    ),
    ErrorCode.NOT_FOUND: (
        "Agent session socket: no live session with that key in the user's groups (sent on "
        "connect; the viewer waits and retries). Dashboard: a `signal` or `lookup` naming a "
        "group that is not one of the user's (the dashboard stays open). Any unrouted path "
        "(sent on connect)."
    ),
    ErrorCode.FORBIDDEN: (
        "A frame on a socket that was refused at connect, or a dashboard `signal`/`lookup` "
        "from a user with no groups. Agent session socket: the agent's membership of the "
        "session's group was removed (see [Revocation]"
        "(#revocation-sign-out-deactivation-password-change-membership-removal))."
    ),
    ErrorCode.UNAUTHENTICATED: (
        "Agent session or dashboard socket without a logged-in user (sent on connect), or "
        "whose agent signed out, was deactivated or had its password changed while it was "
        "open."
    ),
    ErrorCode.ENDED: (
        "Agent session socket: the session of that key ended in the last 10 minutes, or "
        "between the access check and the join (sent instead of `joined`). Visitor socket: "
        "`resume` of a session that has ended. Also an `rc_request`, `rc_give`, share, `rtc` "
        "or reverse frame on a session that has just ended. (A session that ends while in "
        "use is told by the `ended` frame, not this error.)"
    ),
    ErrorCode.BAD_TOKEN: (
        "`resume` with a token that is forged, expired, for another group, or a handoff "
        "token past its short lifetime."
    ),
    ErrorCode.RC_OFF: "An agent sent `input` without holding remote control.",
    ErrorCode.RC_BUSY: (
        "`rc_request` while remote control is on (an agent holds it); the asking agent "
        "may ask again once the holder's `rc` frame gives it back."
    ),
    ErrorCode.SHARE_BUSY: "`share_start` while another agent of the session shares.",
    ErrorCode.NOT_SHARER: (
        "`share_pause`, `share_resume`, `share_stop` or `rtc` from an agent that is not sharing."
    ),
    ErrorCode.NO_SHARE: "A visitor's `rtc` while no agent shares.",
    ErrorCode.BAD_STATE: (
        "`reverse_invite` while a reverse session is invited or accepted; `reverse_end` with "
        "none open; a visitor's `reverse` without an invitation waiting."
    ),
    ErrorCode.MASKED: (
        "The visitor's page refused the agent's input (a masked field, a changed page, a "
        "node that is gone). Sent to that agent only."
    ),
    ErrorCode.EXPIRED: "Presence socket: a unique connection passed its deadline.",
    ErrorCode.INTERNAL: (
        "An unexpected exception in a frame handler. It is logged with its traceback on the "
        'server; the client gets `msg: "Internal error."`.'
    ),
}

# Errors whose closing the table above does not tell whole (shown in the docs' table).
CLOSE_NOTES: dict[ErrorCode, str] = {ErrorCode.NOT_FOUND: "(not on the dashboard)"}


@dataclass(frozen=True)
class Field:
    """One field of a frame: its JSON type (as Python types), whether it must be there,
    and its limits. `ts` is its TypeScript type where the Python type says too little (a
    shape from `SHAPES`); `doc` is its line in docs/protocol.md."""

    kind: type | tuple[type, ...]
    required: bool = True
    max_len: int | None = None
    # A string field that names one of a fixed set of values.
    choices: frozenset[str] | None = None
    # A string field that must match this pattern; `rule` says what it is, for the error.
    pattern: re.Pattern | None = None
    rule: str = ""
    ts: str = ""
    doc: str = ""


@dataclass(frozen=True)
class Frame:
    """One frame type: its fields (besides `t`) and what it means. `ts` names a TypeScript
    type the frame is written as instead of an inline object (frames that share one, like
    the mirror's `ev` and `snap`, or an intersection with a shape)."""

    fields: dict[str, Field] = field(default_factory=dict)
    doc: str = ""
    ts: str = ""
    # Which of the socket's clients get it, where a socket has several (visitor tabs).
    to: str = ""


@dataclass(frozen=True)
class Shape:
    """A named TypeScript type frames use: an object of fields, or (`ts`) a type written out."""

    fields: dict[str, Field] = field(default_factory=dict)
    doc: str = ""
    ts: str = ""


@dataclass(frozen=True)
class Socket:
    """A WebSocket endpoint: its path (tandem/routing.py), its consumer, and its frames:
    `client` what the browser may send, `server` what the server sends. `ts_client` and
    `ts_server` name the TypeScript unions; `docs` the section of docs/protocol.md."""

    name: str
    path: str
    consumer: str
    client: dict[str, Frame]
    server: dict[str, Frame]
    ts_client: str
    ts_server: str

    def frame(self, frame_type: str, /, **fields: object) -> dict:
        """A frame of this socket's server table, `{"t": frame_type, **fields}`. A type the
        socket does not declare is a bug; under the tests each field is checked as well,
        when the frame is sent (`FrameConsumer.send_frame`)."""
        if frame_type not in self.server:
            raise KeyError(f"the {self.name} socket declares no server frame {frame_type!r}")
        return {"t": frame_type, **fields}


# Types used in more than one place.

JSON = (dict, list, str, int, float, bool)
_JSON_OR_NULL = (*JSON, type(None))
_NUM = (int, float)

# The visitor page's elements a share shows in (Glance's screenshareView names).
SHARE_VIEWS = frozenset({"glance_screenshare", "glance_agentvideo"})
SHARE_STATES = frozenset({"new", "continued", "ended"})
REVERSE_STATES = frozenset({"", "invited", "accepted", "declined", "ended"})
# WebRTC signalling: the sharing agent offers, each view iframe on the visitor's page
# says it is ready and answers; either side sends ICE candidates and hangs up.
AGENT_RTC_KINDS = frozenset({"offer", "ice", "bye"})
VISITOR_RTC_KINDS = frozenset({"ready", "answer", "ice", "bye"})
# What an agent may do on the visitor's page under remote control.
INPUT_KINDS = frozenset({"click", "input", "scroll"})
# Marks an agent draws on the visitor's page: a pen line that fades, a highlight that stays.
STROKE_KINDS = frozenset({"pen", "highlight"})
# How the visitor answered an agent's one-click co-browse (Glance's presence "terms" event).
TERMS_STATUSES = frozenset({"displayed", "accepted", "declined"})
MTYPES = frozenset({"signal", "invoke"})
PRESENCE_STATES = frozenset({"here", "away", "blurred", "paused"})
RESUME_WHYS = frozenset({"navigate", "tab", "reconnect", "crossdomain"})


# The visitor's page as its start and resume frames name it (shown on the dashboards).
PAGE_URL_MAX = 500
PAGE_TITLE_MAX = 200
_PAGE_FIELDS = {
    "url": Field(
        str,
        False,
        max_len=PAGE_URL_MAX,
        doc="The page's origin and path (the page leaves out the query and fragment); shown "
        "on the dashboards, kept in the cache for a day, never in the database.",
    ),
    "title": Field(str, False, max_len=PAGE_TITLE_MAX, doc="The page's title."),
}


def _union(values: frozenset[str]) -> str:
    return " | ".join(json.dumps(value) for value in sorted(values))


_PEER = Field(
    str,
    max_len=40,
    doc="The view iframe's connection id (see [Screen share and reverse sessions]"
    "(#screen-share-and-reverse-sessions)).",
)
_RTC_DATA = Field(
    dict,
    ts="RtcData",
    doc="The signalling payload (an SDP offer or answer, an ICE candidate, `{}`). Not inspected.",
)
_SEQ = Field(int, doc="Sequence number (see [The mirror](#the-mirror)).")
_CHUNK_FIELDS = {
    "part": Field(
        int, False, doc="One chunk of a frame that was split (see [Chunking](#chunking))."
    ),
    "parts": Field(int, False, doc="How many chunks the frame was split into."),
    "d": Field(str, False, doc="The chunk: a slice of the JSON text of the events."),
}
_ERROR = Frame(
    {
        "code": Field(str, choices=frozenset(ErrorCode), ts="ErrorCode"),
        "msg": Field(str),
    },
    doc="See [Errors](#errors).",
)
_MESSAGE = Frame(
    {
        "data": Field(JSON, ts="unknown"),
        "origin": Field(str),
        "from": Field(int, doc="the sender's client index (the visitor is 0)"),
        "name": Field(str),
        "at": Field(int, doc="when the server relayed it, ms since the epoch"),
    },
    doc="A chat message (see [Messages](#messages)).",
    ts="SessionMessage",
)
_AGENTS = Frame(
    {"count": Field(int), "viewer": Field(dict, False, ts="ViewerInfo")},
    doc="An agent joined or left: `count` is the number of agents now watching.",
)
_ACCESSIBILITY = Frame({"enabled": Field(bool)}, doc="Accessibility mode changed.")
_ENDED = Frame(
    {"reason": Field(str)},
    doc="The session ended. The server closes the socket right after with code 4000.",
)
_REVERSE = Frame(
    {"state": Field(str, choices=REVERSE_STATES, ts="ReverseState")},
    doc="The reverse session changed (`invited`, `accepted`, `declined`, `ended`).",
)
_PRESENCE_DATA = Field(
    dict,
    False,
    ts="Record<string, string | number>",
    doc="Flat: at most 50 keys of ≤ 100 characters; values are strings (≤ 1000 characters) "
    "or numbers, not booleans. Merged key by key into what the visitor reported before; the "
    "merged data may hold at most 50 keys and 8192 bytes of JSON in total. Otherwise "
    "`bad_frame`, and the update is not applied (the earlier data stays).",
)


# The named types frames use (TypeScript types; their fields are documented in
# docs/protocol.md).
SHAPES: dict[str, Shape] = {
    "ShareView": Shape(
        doc="Where an agent's screen share or webcam shows on the visitor's page (Glance's names).",
        ts=_union(SHARE_VIEWS),
    ),
    "ShareState": Shape(
        doc="A share's lifecycle as visitor pages hear it (Glance's `screenshare` event states).",
        ts=_union(SHARE_STATES),
    ),
    "ReverseState": Shape(
        doc="A reverse session: the agent invites the visitor to watch the agent's screen.",
        ts=_union(REVERSE_STATES),
    ),
    "TermsStatus": Shape(
        doc="How the visitor answered an agent's one-click co-browse (Glance's presence `terms`).",
        ts=_union(TERMS_STATUSES),
    ),
    "RtcData": Shape(
        doc="WebRTC signalling payload: an RTCSessionDescriptionInit, an RTCIceCandidateInit, "
        "or {}.",
        ts="Record<string, unknown>",
    ),
    "MirrorFrame": Shape(
        {
            "t": Field(str, ts='"ev" | "snap"'),
            "s": Field(int),
            "to": Field(list, False, ts="string[]"),
            "p": Field(
                str, False, doc="On snapshots: the visitor page the node ids that follow belong to."
            ),
            "e": Field(list, False, ts="eventWithTime[]"),
            "part": Field(int, False),
            "parts": Field(int, False),
            "d": Field(str, False),
        },
        doc="An rrweb batch: whole (`e`) or one chunk (`part` of `parts`, JSON text slice `d`).",
    ),
    "RtcFrame": Shape(
        {"t": Field(str, ts='"rtc"'), "peer": Field(str), "kind": Field(str), "data": _RTC_DATA},
        doc="One WebRTC signalling message between the sharing agent and one view iframe (`peer`).",
    ),
    "ShareInfo": Shape(
        {"view": Field(str, ts="ShareView"), "paused": Field(bool), "by": Field(int)},
        doc="The share running in a session, as a joining agent learns it; `by` is the "
        "sharer's client index.",
    ),
    "PageInfo": Shape(
        {
            "url": Field(str, False),
            "title": Field(str, False),
        },
        doc="The visitor's page as the dashboards show it: origin and path (no query or "
        "fragment) and title, each optional on the wire (max 500 / 200 characters).",
    ),
    "VisitorInfo": Shape(
        {"name": Field(str, False), "email": Field(str, False), "phone": Field(str, False)},
        doc="Who the visitor is, as its page said (Glance's start parameters); each may be absent.",
    ),
    "ViewerInfo": Shape(
        {"index": Field(int), "name": Field(str), "joined": Field(bool)},
        doc="An agent who joined (or left) a session: `index` is Surfly's clientIndex (visitor 0).",
    ),
    "SessionMessage": Shape(
        {"t": Field(str, ts='"message"'), **_MESSAGE.fields},
        doc="A chat message inside a session; `from` is the sender's client index (visitor 0); "
        "`at`: when the server relayed it, ms since the epoch.",
    ),
    "VisitorSessionState": Shape(
        {
            "key": Field(str),
            "agents": Field(int),
            "agent_names": Field(
                list, ts="string[]", doc="Who watches, as the visitor's panel names them."
            ),
            "rc": Field(bool),
            "accessibility": Field(bool),
        },
        doc="What a page learns of its session when it starts or rejoins it (getSessionState).",
    ),
    "AgentInput": Shape(
        {
            "kind": Field(str, ts=_union(INPUT_KINDS)),
            "p": Field(str, False, doc="The page (from its latest snapshot) that `id` belongs to."),
            "id": Field(int),
            "value": Field((str, bool), False),
            "x": Field(_NUM, False),
            "y": Field(_NUM, False),
        },
        doc="One input of an agent in control, addressed by rrweb mirror node id.",
    ),
    "StrokeKind": Shape(
        doc="A pen line fades on its own (after 8 s); a highlight stays until cleared or "
        "dismissed.",
        ts=_union(STROKE_KINDS),
    ),
    "VisitorPresence": Shape(
        doc="Where the visitor is, as agents hear it: with the session (`here`), every tab of it "
        "gone (`away`: navigating or closed; `since` epoch ms, `grace` seconds to come back "
        "before the session ends), its tab hidden behind another tab or window (`blurred`), "
        "or the session paused by the page (`paused`: Glance's pauseSession, no mirror until "
        "it resumes with a fresh snapshot).",
        ts='{ state: "here" | "blurred" | "paused" } '
        '| { state: "away"; since: number; grace: number }',
    ),
    "SessionSummary": Shape(
        {
            "key": Field(str),
            "group": Field(int),
            "group_name": Field(str),
            "site": Field(str),
            "started_at": Field(str),
            "user_agent": Field(str),
            "visitor": Field(dict, ts="VisitorInfo"),
            "agents": Field(int),
            "page": Field(
                dict,
                ts="{ url: string; title: string }",
                doc='The page the visitor started or last continued the session on ("" when '
                "unknown).",
            ),
        },
        doc="A live session, as the dashboard lists it.",
    ),
    "VisitorSummary": Shape(
        {
            "group": Field(int),
            "visitorid": Field(str),
            "url": Field(str),
            "title": Field(str),
            "browser": Field(str),
            "data": Field(dict, ts="Record<string, string | number>"),
            "since": Field(_NUM),
            "cobrowse": Field(
                bool,
                doc="Whether the page of the visitor's focused tab can start a co-browse "
                "session (its presence `hello` said `cobrowse: true`). A dashboard treats a "
                "summary without it as `false`.",
            ),
        },
        doc="A visitor online (presence), as the dashboard lists it.",
    ),
}


# The visitor session socket: one per visitor tab while it is in a session.
_MIRROR_TS = "MirrorFrame"
_MARK_FROM = Field(int, doc="The agent's client index.")
_MARK_PAGE = Field(str, False, doc="The page the agent saw (its latest snapshot's id).")

VISITOR = Socket(
    name="visitor",
    path="ws/visitor/<group>/",
    consumer="cobrowse.consumers.VisitorConsumer",
    ts_client="VisitorToServer",
    ts_server="ServerToVisitor",
    client={
        "start": Frame(
            {
                "site": Field(
                    str,
                    max_len=40,
                    doc="Site name in the group. Unknown → `unknown_site`; disabled → "
                    "`site_disabled`.",
                ),
                # None (or absent): a random key. The page's own key follows Glance's format.
                "key": Field(
                    (str, type(None)),
                    False,
                    max_len=SESSION_KEY_MAX,
                    pattern=re.compile(SESSION_KEY_RE),
                    rule=SESSION_KEY_RULE,
                    doc="The page's own session key in Glance's format: 1-50 ASCII letters, "
                    "digits, `-` or `_` (`59204gh-42`), otherwise `bad_frame`. `null` or absent "
                    "→ a random 6-digit key, unique among the group's live sessions. See "
                    "[Starting](#starting) for keys in use and for how the page picks a key.",
                ),
                "name": Field(
                    str,
                    False,
                    max_len=VISITOR_NAME_MAX,
                    doc="Who the visitor is, as the page says (Glance's start parameters, from "
                    "`startSession({name})` or `GLANCE_COBROWSE.name`). Shown to agents in "
                    "`joined` and in the dashboard's `SessionSummary`, and kept with the session "
                    "(admin history). One line: a control character (line break, tab) is "
                    "`bad_frame`, as is a longer or non-string value. Leading and trailing "
                    "spaces are dropped.",
                ),
                "email": Field(
                    str,
                    False,
                    max_len=VISITOR_EMAIL_MAX,
                    doc="The visitor's email address; as `name`.",
                ),
                "phone": Field(
                    str,
                    False,
                    max_len=VISITOR_PHONE_MAX,
                    doc="The visitor's phone number; as `name`.",
                ),
                "ua": Field(
                    str,
                    False,
                    max_len=512,
                    doc="The visitor's user agent. If absent or empty, the handshake's "
                    "`User-Agent` header is used.",
                ),
                # A session only for a reverse session: it starts with the invitation open.
                "reverse": Field(
                    bool,
                    False,
                    doc="`true`: the session exists only for a reverse session (the page's "
                    '`startSession({reverse: true})`, which an agent\'s "Show my screen" '
                    "invokes): it starts with the invitation open and the page is never "
                    "recorded. See [Screen share and reverse sessions]"
                    "(#screen-share-and-reverse-sessions).",
                ),
                **_PAGE_FIELDS,
            },
            doc="Start a new session.",
        ),
        "ev": Frame(
            {
                "s": _SEQ,
                "e": Field(
                    list,
                    False,
                    doc="rrweb events (`eventWithTime[]`). The server does not inspect them.",
                ),
                **_CHUNK_FIELDS,
            },
            doc="rrweb events; exactly one of `e` or the chunk fields `part`, `parts`, `d`.",
            ts=_MIRROR_TS,
        ),
        "snap": Frame(
            {
                "s": Field(
                    int, doc="Base sequence number: the last `ev` number sent before this snapshot."
                ),
                "to": Field(
                    list,
                    False,
                    doc="Signed request ids (strings) of the agents to send it to. If absent, "
                    "the snapshot goes to every agent.",
                ),
                "p": Field(
                    str,
                    False,
                    max_len=40,
                    doc="Id of the page the snapshot's node ids belong to (agent inputs name it).",
                ),
                "e": Field(list, False, doc="A meta event followed by a full-snapshot event."),
                **_CHUNK_FIELDS,
            },
            doc="A full snapshot; exactly one of `e` or the chunk fields `part`, `parts`, `d`.",
            ts=_MIRROR_TS,
        ),
        "resume": Frame(
            {
                "token": Field(
                    str, max_len=1000, doc="A resume or handoff token (see [Resuming](#resuming))."
                ),
                "why": Field(
                    str,
                    False,
                    max_len=20,
                    ts=_union(RESUME_WHYS),
                    doc='`"navigate"` (a new page of the tab), `"tab"` (a new tab of the site '
                    'joining the session its other tabs share), `"reconnect"` (the same page '
                    'after a dropped socket) or `"crossdomain"` (a page on another trusted '
                    "domain). Recorded on the timeline only.",
                ),
                **_PAGE_FIELDS,
            },
            doc="Rejoin a session (see [Resuming](#resuming)).",
        ),
        "focus": Frame(doc="This tab takes the session's focus."),
        # The visitor's tab was hidden (another tab or window in front) or shown again.
        "visibility": Frame(
            {
                "hidden": Field(
                    bool,
                    doc="The tab was hidden (`true`: another tab or window in front of it, "
                    "`visibilitychange`) or shown again. Agents hear it as `visitor {state: "
                    '"blurred"}` / `{state: "here"}` when this tab holds the focus; from '
                    "another tab it is ignored. See [Visitor presence](#visitor-presence).",
                )
            },
            doc="The tab was hidden or shown again.",
        ),
        # Ask for a short-lived token that continues the session on another trusted domain.
        "handoff": Frame(doc="Ask for a handoff token for a page on another trusted domain."),
        # Remote control: the visitor's answer to a request, its end, and a refused input.
        # `req`: the request answered (the asking agent's client index, from rc_requested).
        "rc": Frame(
            {
                "enabled": Field(
                    bool,
                    doc="`true`: accept the pending remote control request. `false`: end remote "
                    "control, or cancel a pending request.",
                ),
                "req": Field(
                    int,
                    False,
                    doc="With `enabled: true`: the request accepted, `req` of the `rc_requested` "
                    "the visitor answered.",
                ),
            },
            doc="Accept remote control, or end it.",
        ),
        "rc_decline": Frame(
            {"req": Field(int, doc="The request declined (from its `rc_requested`).")},
            doc="Decline the remote control request `req`.",
        ),
        # Surfly's giveControl: hand control to the agent with this client index (0: back).
        "rc_give": Frame(
            {"to": Field(int, doc="An agent's client index; `0` takes control back.")},
            doc="Give control, unasked, to the agent with this client index.",
        ),
        "rc_refused": Frame(
            {
                "to": Field(
                    str, max_len=1000, doc="The `rid` of an agent input the page would not apply."
                ),
                "msg": Field(str, max_len=200, doc="Why, for the agent."),
            },
            doc="The page refused an agent input.",
        ),
        "stop": Frame(doc='Ends the session (reason `"stopped"`).'),
        # A message for the session's agents (Surfly's sendMessage); any JSON value.
        "message": Frame(
            {"data": Field(JSON, True, ts="unknown", doc="Any JSON value but `null`.")},
            doc="A message for the session's agents (see [Messages](#messages)).",
        ),
        # Signalling from a view iframe to the sharing agent (relayed to it alone).
        "rtc": Frame(
            {
                "peer": _PEER,
                "kind": Field(
                    str,
                    max_len=10,
                    choices=VISITOR_RTC_KINDS,
                    doc="Anything else is `bad_frame`. Only while a share runs (`no_share`).",
                ),
                "data": _RTC_DATA,
            },
            doc="Signalling from a view iframe, relayed to the sharing agent only.",
        ),
        # The visitor's answer to an agent's reverse-session invitation.
        "reverse": Frame(
            {"accept": Field(bool, doc="`true`: accept; `false`: decline.")},
            doc="Accept or decline the agent's reverse-session invitation. Without one "
            "waiting: `bad_state`.",
        ),
        "pause": Frame(
            {"paused": Field(bool, doc="`true`: pause; `false`: resume.")},
            doc="The page paused the session (Glance's `pauseSession`) or resumed it: agents "
            '← `visitor {state: "paused"}` (or back to `here`); the page sends no mirror '
            "while paused and a fresh snapshot on resume.",
        ),
        "draw_dismiss": Frame(
            doc="The visitor dismissed the agents' drawings (cobrowse/relays/annotations.py): "
            "every agent ← `draw_dismissed`."
        ),
    },
    server={
        "started": Frame(
            {
                "key": Field(str),
                "agents": Field(int),
                "resume": Field(str),
                "state": Field(dict, ts="VisitorSessionState"),
            },
            doc="Reply to a successful `start` (`agents` is 0).",
            to="this socket",
        ),
        "resumed": Frame(
            {
                "key": Field(str),
                "agents": Field(int),
                "resume": Field(str),
                "state": Field(dict, ts="VisitorSessionState"),
            },
            doc="Reply to a successful `resume` (`agents` is the current count).",
            to="this socket",
        ),
        "agents": Frame(
            {
                "count": Field(int),
                "names": Field(
                    list,
                    ts="string[]",
                    doc="Who watches, as the visitor's panel names them (first name, else full "
                    "name, else username).",
                ),
                "viewer": Field(dict, False, ts="ViewerInfo"),
            },
            doc=_AGENTS.doc,
            to="every tab",
        ),
        "snapshot": Frame(
            {"to": Field(list, ts="string[]")},
            doc="An agent asked for a full snapshot (on join or with `resync`): `to` holds one "
            "signed request id; put it in the `to` of the reply `snap`.",
            to="focused tab",
        ),
        "blur": Frame(doc="Another tab took the focus.", to="that tab"),
        "focus": Frame(doc="This tab has the focus again.", to="that tab"),
        "rc_requested": Frame(
            {"agent": Field(str), "req": Field(int)},
            doc="An agent asks for remote control; `req` (its client index) names the request "
            "in the answer.",
            to="focused tab",
        ),
        "rc": Frame(
            {"enabled": Field(bool), "to": Field(int)},
            doc="Remote control changed: `to` is the holding agent's client index, `0` when the "
            "visitor has it (`enabled` is then `false`).",
            to="every tab",
        ),
        "input": Frame(
            {"rid": Field(str), **SHAPES["AgentInput"].fields},
            doc="An agent input to apply (see [Remote control](#remote-control)).",
            ts='({ t: "input"; rid: string } & AgentInput)',
            to="focused tab",
        ),
        "accessibility": Frame(
            {"enabled": Field(bool)}, doc="An agent switched accessibility mode.", to="every tab"
        ),
        "handoff": Frame({"token": Field(str)}, doc="Reply to `handoff`.", to="this socket"),
        "message": Frame(
            _MESSAGE.fields, doc="An agent's message.", ts="SessionMessage", to="focused tab"
        ),
        "share": Frame(
            {
                "view": Field(str, ts="ShareView"),
                "state": Field(str, choices=SHARE_STATES, ts="ShareState"),
                "paused": Field(bool),
            },
            doc="An agent started, switched or stopped a share; after `resumed`, the share that "
            "runs (`continued`). See [Screen share and reverse sessions]"
            "(#screen-share-and-reverse-sessions).",
            to="every tab (after `resumed`: that tab)",
        ),
        "share_paused": Frame(
            {"view": Field(str, ts="ShareView")}, doc="The sharer paused.", to="every tab"
        ),
        "share_resumed": Frame(
            {"view": Field(str, ts="ShareView")}, doc="The sharer resumed.", to="every tab"
        ),
        "rtc": Frame(
            {"peer": Field(str), "kind": Field(str), "data": _RTC_DATA},
            doc="The sharing agent's signalling (`offer`, `ice`, `bye`) for the view iframe "
            "named `peer`.",
            ts="RtcFrame",
            to="every tab",
        ),
        "reverse": Frame(
            _REVERSE.fields,
            doc="The reverse session changed; after `resumed`, an open one (`invited` or "
            "`accepted`).",
            to="every tab (after `resumed`: that tab)",
        ),
        "pointer": Frame(
            {
                "from": _MARK_FROM,
                "name": Field(str, doc="The agent's display name, shown beside the pointer."),
                "x": Field(_NUM, doc="Document coordinates of the page, CSS px."),
                "y": Field(_NUM),
                "p": _MARK_PAGE,
            },
            doc="An agent's pointer over the page (no control needed).",
            to="focused tab",
        ),
        "pointer_hide": Frame(
            {"from": _MARK_FROM}, doc="The agent's pointer left the replay.", to="focused tab"
        ),
        "draw": Frame(
            {
                "from": _MARK_FROM,
                "id": Field(int, doc="The stroke; more points of one stroke share it."),
                "kind": Field(str, choices=STROKE_KINDS, ts="StrokeKind"),
                "pts": Field(list, ts="number[]", doc="Flat x, y pairs, document coordinates."),
                "p": _MARK_PAGE,
            },
            doc="Points of an agent's stroke.",
            to="focused tab",
        ),
        "draw_clear": Frame(
            {"from": _MARK_FROM}, doc="The agent cleared its drawings.", to="focused tab"
        ),
        "ended": Frame(_ENDED.fields, doc=_ENDED.doc, to="every tab"),
        "error": Frame(_ERROR.fields, doc=_ERROR.doc, to="this socket"),
    },
)

# An agent's viewer of one session.
AGENT = Socket(
    name="agent",
    path="ws/agent/session/<key>/",
    consumer="cobrowse.consumers.AgentConsumer",
    ts_client="AgentToServer",
    ts_server="ServerToAgent",
    client={
        "resync": Frame(
            doc="Ask the visitor's focused tab for a fresh full snapshot for this agent."
        ),
        "rc_request": Frame(doc="Ask for remote control (see [Remote control](#remote-control))."),
        "accessibility": Frame({"enabled": Field(bool)}, doc="Switch accessibility mode."),
        "rc_end": Frame(doc="End remote control, or withdraw the request."),
        # One input of the agent's, applied to the visitor's page by mirror node id.
        "input": Frame(
            {
                "kind": Field(
                    str,
                    max_len=10,
                    ts=_union(INPUT_KINDS),
                    doc="`click`, `input` or `scroll`; anything else is `bad_frame`.",
                ),
                "p": Field(
                    str,
                    False,
                    max_len=40,
                    doc="The page id from the snapshot the replay was built from.",
                ),
                "id": Field(int, doc="rrweb mirror node id in the replay."),
                "value": Field(
                    (str, bool),
                    False,
                    max_len=10_000,
                    doc="`input`: the new value, or `checked` for checkboxes and radios.",
                ),
                "x": Field(_NUM, False, doc="`scroll`: the scroll position."),
                "y": Field(_NUM, False, doc="`scroll`: the scroll position."),
            },
            doc="One input on the visitor's page (see [Remote control](#remote-control)).",
            ts='({ t: "input" } & AgentInput)',
        ),
        # A chat message for the visitor (and the other agents); any JSON value.
        "message": Frame(
            {"data": Field(JSON, True, ts="unknown", doc="Any JSON value but `null`.")},
            doc="A chat message (see [Messages](#messages)).",
        ),
        # Screen share / agent video: start (or switch view), pause, resume, stop.
        "share_start": Frame(
            {"view": Field(str, max_len=20, choices=SHARE_VIEWS, ts="ShareView")},
            doc="Start sharing into `glance_screenshare` or `glance_agentvideo` (anything else: "
            "`bad_frame`), or switch the view of this agent's share. Another agent sharing: "
            "`share_busy`.",
        ),
        "share_pause": Frame(doc="Pause this agent's share. Not the sharer: `not_sharer`."),
        "share_resume": Frame(doc="Resume this agent's share. Not the sharer: `not_sharer`."),
        "share_stop": Frame(doc="Stop this agent's share. Not the sharer: `not_sharer`."),
        # Signalling from the sharing agent to the view iframes on the visitor's page.
        "rtc": Frame(
            {
                "peer": _PEER,
                "kind": Field(str, max_len=10, choices=AGENT_RTC_KINDS),
                "data": _RTC_DATA,
            },
            doc="Signalling for the view iframe `peer`. Not the sharer: `not_sharer`.",
        ),
        # Reverse session: invite the visitor to watch the agent's screen; withdraw or end it.
        "reverse_invite": Frame(
            doc="Invite the visitor to a reverse session. One already open: `bad_state`."
        ),
        "reverse_end": Frame(
            doc="Withdraw the invitation, or end an accepted reverse session (which ends the "
            "session). None open: `bad_state`."
        ),
        # End the session for everyone (any agent in it may).
        "end": Frame(
            doc="End the session for everyone (any agent in the session may). Every visitor "
            'tab and agent ← `ended {reason: "agent_ended"}`, close 4000; see '
            "[Session end](#session-end)."
        ),
        # The agent's pointer and drawings over the visitor's page, in the page's document
        # coordinates (cobrowse/relays/annotations.py checks the numbers); no control needed.
        "pointer": Frame(
            {
                "x": Field(
                    _NUM,
                    doc="Document coordinates of the visitor's page, CSS px; "
                    "finite, within ±1,000,000.",
                ),
                "y": Field(_NUM),
                "p": Field(str, False, max_len=40, doc="The page id of the replay's snapshot."),
            },
            doc="The agent's pointer over the replay; the visitor's focused tab shows it.",
        ),
        "pointer_hide": Frame(doc="The agent's pointer left the replay."),
        "draw": Frame(
            {
                "id": Field(int, doc="The stroke (a new id starts one); not negative."),
                "kind": Field(str, max_len=10, choices=STROKE_KINDS, ts="StrokeKind"),
                "pts": Field(
                    list,
                    ts="number[]",
                    doc="More points, flat x, y pairs; at most 4,000 points a stroke.",
                ),
                "p": Field(str, False, max_len=40),
            },
            doc="Draw on the visitor's page: points of stroke `id`. Recorded on the timeline "
            "once per stroke.",
        ),
        "draw_clear": Frame(doc="Clear this agent's drawings from the visitor's page."),
    },
    server={
        "joined": Frame(
            {
                "key": Field(str),
                "group": Field(int, doc="public id"),
                "site": Field(str),
                "user_agent": Field(str, doc="the visitor's"),
                "visitor": Field(
                    dict, ts="VisitorInfo", doc="who the visitor is, as its page said"
                ),
                "agents": Field(int, doc="count including this agent"),
                "index": Field(int, doc="this agent's client index"),
                "rc": Field(bool, doc="this agent holds control"),
                "rc_to": Field(int, doc="who holds control: an index, `0` for the visitor"),
                "accessibility": Field(bool),
                "share": Field(
                    (dict, type(None)),
                    ts="ShareInfo | null",
                    doc="the share that runs; `by` is the sharer's client index",
                ),
                "reverse": Field(str, choices=REVERSE_STATES, ts="ReverseState"),
                "reverse_only": Field(
                    bool,
                    doc="the session was started only for a reverse session: no mirror will come",
                ),
                "presence": Field(
                    dict,
                    ts="VisitorPresence",
                    doc="the visitor's presence (see [Visitor presence](#visitor-presence))",
                ),
                "started": Field(int, doc="when the session started, epoch ms"),
                "assets": Field(
                    str,
                    doc="the asset proxy URL for this agent and session: append "
                    "`&u=<absolute URL>` for every image, font, stylesheet and medium of the "
                    "replayed page (docs/architecture.md)",
                ),
            },
            doc="First frame after a successful connect. The server then asks the visitor for a "
            "snapshot for this agent (not in a `reverse_only` session); the agent does not have "
            "to send anything.",
        ),
        "agents": Frame(
            _AGENTS.fields,
            doc="The number of watching agents changed. The joining agent gets one too, right "
            "after `joined`.",
        ),
        "ev": Frame(
            VISITOR.client["ev"].fields,
            doc="Mirror frames, relayed as the exact text the visitor sent, including `to`, `p` "
            "and the chunk fields.",
            ts=_MIRROR_TS,
        ),
        "snap": Frame(VISITOR.client["snap"].fields, doc="As `ev`.", ts=_MIRROR_TS),
        "visitor": Frame(
            {
                "state": Field(str, choices=PRESENCE_STATES),
                "since": Field(int, False),
                "grace": Field(_NUM, False),
            },
            doc="The visitor's presence changed (see [Visitor presence](#visitor-presence)).",
            ts='({ t: "visitor" } & VisitorPresence)',
        ),
        "rc_pending": Frame({"agent": Field(str)}, doc="An agent asked for control."),
        "rc_declined": Frame(doc="The visitor declined."),
        "rc": Frame(
            {"enabled": Field(bool), "to": Field(int)},
            doc="Control changed. `enabled`: this agent may send `input`. `to`: who holds "
            "control (`0`: the visitor).",
        ),
        "accessibility": _ACCESSIBILITY,
        "message": _MESSAGE,
        "share": Frame(
            {
                "view": Field(str, ts="ShareView"),
                "state": Field(str, choices=SHARE_STATES, ts="ShareState"),
                "paused": Field(bool),
                "by": Field(int),
            },
            doc="A share started, switched view, paused (`continued`, `paused: true`), resumed "
            "or stopped. `by` is the sharer's client index.",
            ts='({ t: "share"; state: ShareState } & ShareInfo)',
        ),
        "rtc": Frame(
            {"peer": Field(str), "kind": Field(str), "data": _RTC_DATA},
            doc="A view iframe's signalling (`ready`, `answer`, `ice`, `bye`). Only to the sharer.",
            ts="RtcFrame",
        ),
        "reverse": _REVERSE,
        "draw_dismissed": Frame(doc="The visitor dismissed the drawings: none are on the page."),
        "session_new": Frame(
            {"session": Field(dict, ts="SessionSummary")},
            doc="A new session started in this session's group: the viewer tells its agent "
            "(a notice; the dashboard has its own list).",
        ),
        "ended": _ENDED,
        "error": Frame(
            _ERROR.fields,
            doc="See [Errors](#errors). `masked` carries the page's refusal of an input.",
        ),
    },
)

# An agent's dashboard: sessions and visitors online; signals and invokes for visitors.
DASHBOARD = Socket(
    name="dashboard",
    path="ws/agent/dashboard/",
    consumer="agents.consumers.DashboardConsumer",
    ts_client="DashboardToServer",
    ts_server="ServerToDashboard",
    client={
        "signal": Frame(
            {
                "group": Field(
                    int, doc="Public id of one of the agent's groups; any other is `not_found`."
                ),
                "visitorid": Field(
                    str, max_len=100, doc="A visitor id or unique code (same rule as `hello`)."
                ),
                "mtype": Field(
                    str,
                    max_len=10,
                    ts=_union(MTYPES),
                    doc='`"signal"` or `"invoke"`; anything else is `bad_frame`.',
                ),
                "data": Field(
                    _JSON_OR_NULL,
                    False,
                    ts="unknown",
                    doc="`signal`: a flat object of string/number values (the rules of presence "
                    "data); absent or `null` is `{}`. `invoke`: `{func, args?}` with `func` "
                    "invokable and `args` a flat object or `null`. Anything else is `bad_frame` "
                    "and nothing is stored. The REST `signalvisitor` applies the same rules "
                    "(`presence.services.signal_send`).",
                ),
            },
            doc="A signal or invoke for a visitor (presence). Answered with `signaled`.",
        ),
        # Is this visitor id (or unique code) online now? Answered with `found`.
        "lookup": Frame(
            {
                "group": Field(int, doc="As for `signal`."),
                "visitorid": Field(str, max_len=100),
            },
            doc="Is this visitor (or unique code) online now? Answered with `found`.",
        ),
        # The agent switches between available and away (every dashboard of it follows).
        "availability": Frame(
            {"available": Field(bool)},
            doc="The agent switches between available and away. Every open dashboard of the "
            "agent gets `availability`; visitor pages of its groups get `agent_status` if the "
            "group's availability flips.",
        ),
    },
    server={
        "availability": Frame(
            {"available": Field(bool)},
            doc="First frame on connect (the agent's saved choice; a new agent is away), and "
            "whenever the agent switches on any of its dashboards.",
        ),
        "sessions": Frame(
            {
                "sessions": Field(list, ts="SessionSummary[]"),
                "part": Field(int, False),
                "parts": Field(int, False),
            },
            doc="On connect. The live sessions of the user's groups, newest first, at most 500, "
            "with their agent counts. In parts (see below).",
        ),
        "visitors": Frame(
            {
                "visitors": Field(list, ts="VisitorSummary[]"),
                "part": Field(int, False),
                "parts": Field(int, False),
            },
            doc="On connect, after `sessions`. The online visitors of the user's groups, "
            "longest online first. In parts (see below).",
        ),
        "session": Frame(
            {"session": Field(dict, ts="SessionSummary")},
            doc="A session started in one of the user's groups (`agents: 0`).",
        ),
        "session_ended": Frame(
            {"key": Field(str)}, doc="A session in one of the user's groups ended."
        ),
        "agents": Frame(
            {"key": Field(str), "count": Field(int)},
            doc="The agent count of a live session changed.",
        ),
        "visitor": Frame(
            {"visitor": Field(dict, ts="VisitorSummary")},
            doc="A visitor came online, or its focused connection reported.",
        ),
        "visitor_gone": Frame(
            {"group": Field(int), "visitorid": Field(str)},
            doc="A visitor went offline, or the sweep found it silent.",
        ),
        "signaled": Frame(
            {
                "visitorid": Field(str),
                "mtype": Field(str, choices=MTYPES, ts=_union(MTYPES)),
                "id": Field(int),
                "online": Field(bool),
            },
            doc="Reply to `signal`: the stored message's id, and whether the visitor was online "
            "to get it now. Sent, not delivered.",
        ),
        "delivered": Frame(
            {"group": Field(int), "visitorid": Field(str), "id": Field(int), "shown": Field(bool)},
            doc="A visitor's page acknowledged message `id` (the `signaled` id), to every "
            "dashboard of the group; `shown`: whether a handler on the page took it "
            "([Signals and invokes](#signals-and-invokes-durable-delivery)).",
        ),
        "found": Frame(
            {
                "group": Field(int),
                "visitorid": Field(str),
                "visitor": Field((dict, type(None)), ts="VisitorSummary | null"),
            },
            doc="Reply to `lookup`; `visitor` is `null` when not online.",
        ),
        "terms": Frame(
            {
                "group": Field(int),
                "visitorid": Field(str),
                "status": Field(str, choices=TERMS_STATUSES, ts="TermsStatus"),
                "key": Field((str, type(None))),
            },
            doc="A visitor of the user's groups was asked about an agent's one-click co-browse, "
            "or answered ([One-click consent](#one-click-consent)).",
        ),
        "error": _ERROR,
    },
)

# A visitor page's presence socket (GLANCE.Presence.Visitor).
PRESENCE = Socket(
    name="presence",
    path="ws/presence/<group>/",
    consumer="presence.consumers.PresenceConsumer",
    ts_client="PresenceClientFrame",
    ts_server="PresenceServerFrame",
    client={
        # A unique connection (connectUnique) says hello without a visitor id and is given one.
        # `visitorsig`: the id's signature, where the group requires signed visitor ids.
        "hello": Frame(
            {
                "visitorid": Field(
                    str,
                    False,
                    max_len=100,
                    doc="The visitor's id: 1-100 of `A-Z a-z 0-9 _ - .`, otherwise `bad_frame`. "
                    "One of `visitorid`/`unique`.",
                ),
                "visitorsig": Field(
                    str,
                    False,
                    max_len=128,
                    doc="Where the group requires it: the id's signature, hex HMAC-SHA256 of "
                    "`visitorid` keyed with the group's visitor id secret (see [Signed visitor "
                    "ids](#signed-visitor-ids)).",
                ),
                "unique": Field(
                    bool,
                    False,
                    doc="`true`: a unique connection; the server picks the id. Not together "
                    "with `visitorid` (`bad_frame`).",
                ),
                "cobrowse": Field(
                    bool,
                    False,
                    doc="`true`: this page can start a co-browse session when an agent invokes "
                    "`startSession` (the full loader sends it). Absent or `false`: presence "
                    "only (`script=PresenceVisitor`); the dashboard offers no Co-browse or "
                    "Show my screen for the visitor while this connection has its focus. "
                    "Anything but a boolean: `bad_frame`.",
                ),
            },
            doc="The first frame. Answered with `connected`.",
        ),
        "presence": Frame(
            {
                "url": Field(str, False, max_len=2000, doc="The page's address."),
                "title": Field(str, False, max_len=500, doc="The page's title."),
                "browser": Field(str, False, max_len=500, doc="The user agent."),
                "data": _PRESENCE_DATA,
            },
            doc="What the visitor looks at.",
        ),
        "ping": Frame(doc="Heartbeat. No reply."),
        # The page has message `id`; `shown`: whether a handler took it (the page's onsignal or
        # the default UI's notice). Absent means it did.
        "ack": Frame(
            {
                "id": Field(int, doc="Any tab of the visitor may acknowledge."),
                "shown": Field(
                    bool,
                    False,
                    doc="Whether a handler took it: the page's `onsignal`, the default UI's "
                    "notice, or an invoke run. Absent means true. The first ack of a message "
                    "reaches the group's dashboards as `delivered`.",
                ),
            },
            doc="The visitor has handled message `id`. No reply.",
        ),
        # A blurred tab the visitor looks at again takes the focus back.
        "focus": Frame(
            doc="The visitor uses this tab again: it takes the focus back. Answered with "
            "`focus`; see [Online visitors, focus and blur](#online-visitors-focus-and-blur)."
        ),
        "extend": Frame(
            doc="Keep a unique id longer. Only on a unique connection (`bad_frame` otherwise)."
        ),
        # The consent prompt for an agent's startSession invoke: shown, accepted or declined;
        # `key` is the session key the agent asked for.
        "terms": Frame(
            {
                "status": Field(
                    str,
                    max_len=10,
                    choices=TERMS_STATUSES,
                    ts="TermsStatus",
                    doc="`displayed` (the consent prompt is shown), `accepted` or `declined`. "
                    "Anything else: `bad_frame`.",
                ),
                "key": Field(
                    str,
                    False,
                    max_len=50,
                    doc="The session key the agent asked for (the invoke's `sessionKey`).",
                ),
            },
            doc="How the visitor took an agent's one-click co-browse (Glance's presence `terms` "
            "event). Relayed to the group's dashboards as `terms`; nothing is stored. See "
            "[One-click consent](#one-click-consent).",
        ),
    },
    server={
        "connected": Frame(
            {"visitorid": Field(str)},
            doc="Reply to `hello`. Waiting messages follow (only on the visitor's first live "
            "connection).",
        ),
        "unique": Frame(
            {"visitorid": Field(str), "seconds": Field(int)},
            doc="After `connected` on a unique connection: the id and how long it lasts.",
        ),
        "extended": Frame({"seconds": Field(int)}, doc="Reply to `extend`: the seconds added."),
        "signal": Frame(
            {"id": Field(int), "data": Field(_JSON_OR_NULL, ts="unknown")},
            doc="An agent's signal. Answer with `ack {id}`.",
        ),
        "invoke": Frame(
            {
                "id": Field(int),
                "func": Field(str),
                "args": Field((dict, type(None)), False, ts="Record<string, unknown> | null"),
            },
            doc="An agent's invoke of a visitor API function. Answer with `ack {id}`.",
        ),
        "blur": Frame(
            doc="Another connection of the same visitor took the focus (a newer tab, or an open "
            "one the visitor went back to)."
        ),
        "focus": Frame(
            doc="This connection has the focus again: the reply to `focus`, or the focused "
            "connection closed and this one took over. Waiting messages follow."
        ),
        "error": _ERROR,
    },
)

# A visitor page's view of its group's agent availability; the page sends nothing.
STATUS = Socket(
    name="status",
    path="ws/status/<group>/",
    consumer="agents.consumers.StatusConsumer",
    ts_client="StatusClientFrame",
    ts_server="StatusServerFrame",
    client={},
    server={
        "agent_status": Frame(
            {"available": Field(bool)},
            doc="On connect and each time the group's availability flips.",
        ),
        "error": _ERROR,
    },
)

# Any other path: an error frame and close 4404.
UNROUTED = Socket(
    name="unrouted",
    path="any other path",
    consumer="cobrowse.consumers.NoSuchSocketConsumer",
    ts_client="UnroutedClientFrame",
    ts_server="UnroutedServerFrame",
    client={},
    server={"error": _ERROR},
)

SOCKETS: tuple[Socket, ...] = (VISITOR, AGENT, DASHBOARD, PRESENCE, STATUS, UNROUTED)

# The client tables, by the names the consumers use.
VISITOR_FRAMES = VISITOR.client
AGENT_FRAMES = AGENT.client
DASHBOARD_FRAMES = DASHBOARD.client
PRESENCE_FRAMES = PRESENCE.client
# Sockets the client only listens on: every frame it sends is refused as unknown.
NO_FRAMES: dict[str, Frame] = {}


def frame_parse(text: str | None, *, table: dict[str, Frame], max_bytes: int) -> dict:
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
    declared = table.get(frame_type)
    if declared is None:
        raise TandemError(ErrorCode.UNKNOWN_TYPE, f"Unknown frame type {frame_type[:40]!r}.")
    fields = declared.fields
    for name, spec in fields.items():
        _check_field(frame_type, name, spec, frame)
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


def frame_check(frame: dict, *, table: dict[str, Frame]) -> list[str]:
    """What is wrong with a frame the server is about to send, against the socket's `server`
    table: an undeclared type, a required field missing, an undeclared field, a value of
    the wrong type or not among its choices. Empty when it agrees with the declaration."""
    frame_type = frame.get("t")
    declared = table.get(frame_type) if isinstance(frame_type, str) else None
    if declared is None:
        return [f"undeclared server frame type {frame_type!r}"]
    problems = [
        f"'{frame_type}' has undeclared field '{name}'"
        for name in frame
        if name != "t" and name not in declared.fields
    ]
    for name, spec in declared.fields.items():
        if name not in frame:
            if spec.required:
                problems.append(f"'{frame_type}' lacks field '{name}'")
            continue
        value = frame[name]
        if not isinstance(value, spec.kind) or (isinstance(value, bool) and spec.kind is int):
            problems.append(f"'{frame_type}' field '{name}' is a {type(value).__name__}")
        elif spec.choices is not None and value not in spec.choices:
            problems.append(f"'{frame_type}' field '{name}' has undeclared value {value!r}")
    return problems
