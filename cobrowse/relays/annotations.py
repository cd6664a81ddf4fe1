"""The agent's pointer and drawings over the visitor's page: no control needed, only
positions. An agent's viewer sends them in the visitor page's document coordinates; they
reach the session's focused visitor tab alone (cobrowse/consumers.py), never other
sessions. The timeline gets one event per pointer showing and per stroke, never the
moves or the points.
"""

import logging
import math

from channels.db import database_sync_to_async
from channels.layers import get_channel_layer

from cobrowse.models import SessionEvent
from core import groups
from core.errors import ErrorCode, TandemError
from core.layers import frame_message
from core.limits import TokenBucket
from core.protocol import VISITOR

log = logging.getLogger("tandem.annotations")

# A coordinate is a CSS pixel of the visitor's document: no page is this large.
MAX_COORD = 1_000_000
# Points in one `draw` frame (the viewer sends a stroke in batches) and in one stroke.
MAX_FRAME_POINTS = 256
MAX_STROKE_POINTS = 4000
# Strokes one agent socket may have on the page; a `draw_clear` starts again.
MAX_STROKES = 200
# Timeline rows a socket may write: a burst, then one every two seconds. Beyond that a
# showing or stroke is still relayed, only not recorded (and logged).
_RECORD_RATE = 0.5
_RECORD_BURST = 20


def _coordinate(value: object, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TandemError(ErrorCode.BAD_FRAME, f"'{name}' must be a number.")
    if not math.isfinite(value) or abs(value) > MAX_COORD:
        raise TandemError(
            ErrorCode.BAD_FRAME, f"'{name}' must be a number within ±{MAX_COORD} pixels."
        )
    return value


def _points(values: list) -> list[float]:
    if len(values) % 2:
        raise TandemError(ErrorCode.BAD_FRAME, "'pts' holds x, y pairs: an even count.")
    if len(values) > 2 * MAX_FRAME_POINTS:
        raise TandemError(
            ErrorCode.BAD_FRAME, f"A 'draw' frame holds at most {MAX_FRAME_POINTS} points."
        )
    return [_coordinate(value, "pts") for value in values]


def _record(*, session_id: int, type: str, actor: str, detail: str = "") -> None:
    SessionEvent.objects.create(session_id=session_id, type=type, actor=actor, detail=detail)


_record_async = database_sync_to_async(_record)


async def _to_visitor(session_id: int, frame: dict) -> None:
    # The agents' pointer and drawings show on the tab the visitor is using.
    await get_channel_layer().group_send(
        groups.session_visitor(session_id), frame_message(frame, focused_only=True)
    )


class AgentMarks:
    """One agent socket's pointer and strokes on one session's page."""

    def __init__(self, *, session_id: int, index: int, actor: str, name: str) -> None:
        self.session_id = session_id
        self.index = index
        self.actor = actor  # the username, as the timeline names agents
        self.name = name  # the display name the visitor sees by the pointer
        self.pointing = False
        self.strokes: dict[int, int] = {}  # stroke id -> points so far
        self.records = TokenBucket(rate=_RECORD_RATE, burst=_RECORD_BURST)

    async def _record(self, type: str, detail: str = "") -> None:
        if not self.records.take():
            log.info("timeline row not written: %s session=%s", type, self.session_id)
            return
        await _record_async(session_id=self.session_id, type=type, actor=self.actor, detail=detail)

    async def pointer(self, *, x: object, y: object, page: str | None) -> None:
        # `from` is a Python keyword: the fields go as a mapping.
        fields = {"from": self.index, "name": self.name}
        frame = VISITOR.frame("pointer", **fields, x=_coordinate(x, "x"), y=_coordinate(y, "y"))
        if page is not None:
            frame["p"] = page
        await _to_visitor(self.session_id, frame)
        if not self.pointing:
            self.pointing = True
            await self._record(SessionEvent.Type.POINTER)

    async def pointer_hide(self) -> None:
        self.pointing = False
        await _to_visitor(self.session_id, VISITOR.frame("pointer_hide", **{"from": self.index}))

    async def draw(self, *, stroke: int, kind: str, points: list, page: str | None) -> None:
        if not 0 <= stroke < 2**31:
            raise TandemError(ErrorCode.BAD_FRAME, "A stroke 'id' is from 0 to 2**31 - 1.")
        pts = _points(points)
        known = self.strokes.get(stroke)
        if known is None and len(self.strokes) >= MAX_STROKES:
            raise TandemError(
                ErrorCode.BAD_FRAME, f"At most {MAX_STROKES} strokes: clear the drawings first."
            )
        total = (known or 0) + len(pts) // 2
        if total > MAX_STROKE_POINTS:
            raise TandemError(
                ErrorCode.BAD_FRAME, f"A stroke holds at most {MAX_STROKE_POINTS} points."
            )
        self.strokes[stroke] = total
        frame = VISITOR.frame("draw", **{"from": self.index}, id=stroke, kind=kind, pts=pts)
        if page is not None:
            frame["p"] = page
        await _to_visitor(self.session_id, frame)
        if known is None:
            await self._record(SessionEvent.Type.DRAWING, kind)

    async def clear(self) -> None:
        self.strokes.clear()
        await _to_visitor(self.session_id, VISITOR.frame("draw_clear", **{"from": self.index}))
        await self._record(SessionEvent.Type.DRAWING_CLEARED)

    def dismissed(self) -> None:
        """The visitor dismissed the drawings: none of this agent's are on the page."""
        self.strokes.clear()

    async def leave(self) -> None:
        """The agent's viewer closed: its pointer and drawings go from the page."""
        if self.pointing:
            await self.pointer_hide()
        if self.strokes:
            self.strokes.clear()
            await _to_visitor(self.session_id, VISITOR.frame("draw_clear", **{"from": self.index}))


class VisitorMarks:
    """One visitor socket's side: it may dismiss what the agents drew."""

    def __init__(self) -> None:
        self.records = TokenBucket(rate=_RECORD_RATE, burst=_RECORD_BURST)

    async def dismiss(self, *, session_id: int) -> None:
        """Every agent's viewer drops its copy of the drawings (AgentMarks.dismissed)."""
        await get_channel_layer().group_send(
            groups.session_agents(session_id), {"type": "annotation.dismissed"}
        )
        if self.records.take():
            await _record_async(
                session_id=session_id, type=SessionEvent.Type.DRAWING_CLEARED, actor="visitor"
            )
