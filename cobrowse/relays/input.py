"""Remote control's relay: an agent's inputs to the visitor page, and the page's refusals
back to that agent alone (the input carries a signed reply address, as snapshot requests
do, so a page can only answer agents that sent it something)."""

import logging

from channels.layers import get_channel_layer
from django.core import signing

from core import groups

log = logging.getLogger("tandem.control")

_REPLY_MAX_AGE = 300


def _salt(session_id: int) -> str:
    return f"tandem.input.{session_id}"


async def input_relay(*, session_id: int, reply_to: str, frame: dict) -> None:
    """Send one agent input to the session's focused visitor page."""
    data = {name: frame[name] for name in ("kind", "p", "id", "value", "x", "y") if name in frame}
    data["rid"] = signing.dumps(reply_to, salt=_salt(session_id), compress=True)
    await get_channel_layer().group_send(
        groups.session_visitor(session_id), {"type": "rc.input", "input": data}
    )


async def input_refused(*, session_id: int, rid: str, msg: str) -> None:
    """Tell the agent that sent an input that the page would not apply it."""
    try:
        channel = signing.loads(rid, salt=_salt(session_id), max_age=_REPLY_MAX_AGE)
    except signing.BadSignature:
        log.warning("refusal for an unknown or expired input session=%s", session_id)
        return
    await get_channel_layer().send(channel, {"type": "rc.refused", "msg": msg})
