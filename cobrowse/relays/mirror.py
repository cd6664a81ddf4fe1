"""The mirror relay: rrweb frames from a visitor to the agents of its session.

Frames are relayed as the visitor sent them (validated, never re-encoded, never stored).
A snapshot an agent asked for goes to that agent alone: the request carries a signed
reply address, so a visitor page can only answer agents that asked it.
"""

import logging

from channels.exceptions import ChannelFull
from channels.layers import get_channel_layer
from django.conf import settings
from django.core import signing

from core import groups

log = logging.getLogger("tandem.mirror")

_MAX_RECIPIENTS = 32


def _salt(session_id: int) -> str:
    return f"tandem.snapshot.{session_id}"


async def snapshot_request(*, session_id: int, reply_to: str) -> None:
    """Ask the session's visitor for a fresh full snapshot for the agent at `reply_to`."""
    rid = signing.dumps(reply_to, salt=_salt(session_id), compress=True)
    await get_channel_layer().group_send(
        groups.session_visitor(session_id), {"type": "snapshot.request", "rid": rid}
    )


async def mirror_broadcast(*, session_id: int, text: str) -> None:
    """Relay one incremental frame to every agent of the session."""
    await get_channel_layer().group_send(
        groups.session_agents(session_id), {"type": "mirror.frame", "text": text}
    )


async def snapshot_deliver(*, session_id: int, recipients: list | None, text: str) -> None:
    """Relay a snapshot frame to the agents that asked for it, or to all when none are named."""
    if recipients is None:
        await mirror_broadcast(session_id=session_id, text=text)
        return
    layer = get_channel_layer()
    # The same request named twice is answered once.
    for rid in dict.fromkeys(str(rid) for rid in recipients[:_MAX_RECIPIENTS]):
        try:
            channel = signing.loads(
                rid,
                salt=_salt(session_id),
                max_age=settings.TANDEM_SNAPSHOT_REQUEST_MAX_AGE,
            )
        except signing.BadSignature:
            log.warning("snapshot for unknown or expired request session=%s", session_id)
            continue
        try:
            await layer.send(channel, {"type": "mirror.frame", "text": text})
        except ChannelFull:
            # The agent sees the gap in sequence numbers and asks again.
            log.warning("agent channel full, snapshot dropped session=%s", session_id)
