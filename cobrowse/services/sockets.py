"""Which server process holds which of a session's sockets (SessionSocket rows): opened
and closed, so a dead process's sockets can be counted closed (cobrowse/sweeps.py)."""

from cobrowse.models import SessionSocket
from core import leases


def socket_opened(
    *, session_id: int, role: str, channel: str, index: int | None = None, actor: str = ""
) -> None:
    """Record that this process (leases.PROCESS) holds the socket `channel` of the session,
    so that the sweeper counts it closed if the process dies. No channel: not recorded."""
    if channel:
        SessionSocket.objects.update_or_create(
            session_id=session_id,
            channel=channel,
            defaults={"role": role, "process": leases.PROCESS, "index": index, "actor": actor},
        )


def socket_closed(*, session_id: int, role: str, channel: str) -> bool:
    """Forget the socket `channel`; False when it is not counted any more: the sweeper
    took its process for dead (its heartbeat lapsed) and counted it closed already."""
    if not channel:
        return True
    if SessionSocket.objects.filter(session_id=session_id, channel=channel).delete()[0]:
        return True
    # A socket opened without a record (before records were kept) is counted as before.
    return not SessionSocket.objects.filter(session_id=session_id, role=role).exists()
