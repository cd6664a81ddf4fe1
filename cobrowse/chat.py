"""Messages inside a session: the visitor page and its agents talk (Surfly's sendMessage /
`message` event, the viewer's chat panel). Relayed live like the mirror, never stored:
a message is page-side data the server has no business keeping."""

import logging

import orjson
from channels.layers import get_channel_layer

from cobrowse import groups
from cobrowse.errors import ErrorCode, TandemError

log = logging.getLogger("tandem.chat")

MAX_MESSAGE_BYTES = 16 * 1024


def check_message(data: object) -> None:
    if data is None:
        raise TandemError(ErrorCode.BAD_FRAME, "A message needs 'data'.")
    if len(orjson.dumps(data)) > MAX_MESSAGE_BYTES:
        raise TandemError(ErrorCode.BAD_FRAME, f"A message is at most {MAX_MESSAGE_BYTES} bytes.")


async def from_visitor(*, session_id: int, data: object, origin: str) -> None:
    """The visitor page's message reaches every agent in the session."""
    check_message(data)
    frame = {"t": "message", "data": data, "origin": origin, "from": 0, "name": "Visitor"}
    await get_channel_layer().group_send(
        groups.session_agents(session_id), {"type": "chat.message", "frame": frame}
    )


async def from_agent(
    *, session_id: int, data: object, origin: str, index: int | None, name: str
) -> None:
    """An agent's message reaches the visitor page and the other agents (their chat panels
    show the whole conversation)."""
    check_message(data)
    frame = {"t": "message", "data": data, "origin": origin, "from": index, "name": name}
    message = {"type": "chat.message", "frame": frame}
    layer = get_channel_layer()
    await layer.group_send(groups.session_visitor(session_id), message)
    await layer.group_send(groups.session_agents(session_id), message)
