"""Messages inside a session: the visitor page and its agents talk (Surfly's sendMessage /
`message` event, the viewer's chat panel). Relayed live like the mirror; stored on the
session's timeline only where the group turned that on (Group.chat_in_timeline)."""

import logging
import time

import orjson
from channels.db import database_sync_to_async
from channels.layers import get_channel_layer

from cobrowse.models import CobrowseSession, SessionEvent
from core import groups
from core.errors import ErrorCode, TandemError
from core.layers import frame_message
from core.protocol import AGENT

log = logging.getLogger("tandem.chat")

MAX_MESSAGE_BYTES = 16 * 1024
# What the visitor is called in chat when the page gave no name in its start parameters.
VISITOR_NAME = "Visitor"


def _now_ms() -> int:
    return int(time.time() * 1000)


def check_message(data: object) -> None:
    if data is None:
        raise TandemError(ErrorCode.BAD_FRAME, "A message needs 'data'.")
    if len(orjson.dumps(data)) > MAX_MESSAGE_BYTES:
        raise TandemError(ErrorCode.BAD_FRAME, f"A message is at most {MAX_MESSAGE_BYTES} bytes.")


def _keep(*, session_id: int, actor: str, data: object) -> None:
    """Put the message on the session's timeline if its group keeps chat."""
    session = (
        CobrowseSession.objects.filter(id=session_id, group__chat_in_timeline=True)
        .only("id")
        .first()
    )
    if session is None:
        return
    text = data if isinstance(data, str) else orjson.dumps(data).decode()
    SessionEvent.objects.create(
        session=session, type=SessionEvent.Type.CHAT, actor=actor, text=text
    )


def _message(*, data: object, origin: str, sender: int | None, name: str) -> dict:
    """A chat frame; the same for the visitor's tabs and the agents (both declare it)."""
    # `from` is a Python keyword, hence the dict.
    return AGENT.frame(
        "message", data=data, origin=origin, name=name, at=_now_ms(), **{"from": sender}
    )


async def from_visitor(*, session_id: int, data: object, origin: str, name: str = "") -> None:
    """The visitor page's message reaches every agent in the session, named by the start
    parameters' `name` if the page gave one."""
    check_message(data)
    await database_sync_to_async(_keep)(session_id=session_id, actor="visitor", data=data)
    frame = _message(data=data, origin=origin, sender=0, name=name or VISITOR_NAME)
    await get_channel_layer().group_send(groups.session_agents(session_id), frame_message(frame))


async def from_agent(
    *, session_id: int, data: object, origin: str, index: int | None, name: str
) -> None:
    """An agent's message reaches the visitor page and the other agents (their chat panels
    show the whole conversation)."""
    check_message(data)
    await database_sync_to_async(_keep)(session_id=session_id, actor=name, data=data)
    frame = _message(data=data, origin=origin, sender=index, name=name)
    layer = get_channel_layer()
    # The visitor reads it in the tab it is using; every agent's viewer shows it.
    await layer.group_send(
        groups.session_visitor(session_id), frame_message(frame, focused_only=True)
    )
    await layer.group_send(groups.session_agents(session_id), frame_message(frame))
