"""WebRTC signalling between the sharing agent's viewer and the view iframes in the
visitor's tabs: relayed as is, never stored; the media flows peer to peer."""

import logging

from channels.db import database_sync_to_async
from channels.layers import get_channel_layer

from cobrowse.models import CobrowseSession
from core import groups
from core.errors import ErrorCode, TandemError
from core.layers import frame_message
from core.protocol import AGENT, VISITOR, Socket

log = logging.getLogger("tandem.media")


# Signalling: relayed as it came, never stored.


def _share_by(session_id: int) -> int | None:
    """The sharing agent's client index (None: no share); a plain read, no lock."""
    row = (
        CobrowseSession.objects.filter(id=session_id, state=CobrowseSession.State.ACTIVE)
        .values_list("share_by")
        .first()
    )
    if row is None:
        raise TandemError(ErrorCode.ENDED, "The session has ended.")
    return row[0]


def _rtc(frame: dict, *, to: Socket) -> dict:
    return to.frame("rtc", peer=frame["peer"], kind=frame["kind"], data=frame["data"])


async def rtc_from_agent(*, session_id: int, index: int, frame: dict) -> None:
    """The sharing agent's offer, candidate or hang-up reaches every visitor tab (each
    view iframe's `peer` tells them apart)."""
    if await database_sync_to_async(_share_by)(session_id) != index:
        raise TandemError(ErrorCode.NOT_SHARER, "You are not sharing in this session.")
    await get_channel_layer().group_send(
        groups.session_visitor(session_id),
        frame_message(_rtc(frame, to=VISITOR)),
    )


async def rtc_from_visitor(*, session_id: int, frame: dict) -> None:
    """A view iframe's signalling reaches the sharing agent alone."""
    sharer = await database_sync_to_async(_share_by)(session_id)
    if sharer is None:
        raise TandemError(ErrorCode.NO_SHARE, "No agent is sharing in this session.")
    await get_channel_layer().group_send(
        groups.session_agents(session_id),
        {"type": "media.rtc", "to": sharer, "frame": _rtc(frame, to=AGENT)},
    )
