"""How a service reaches sockets: after the transaction commits, a frame built through the
protocol declaration (`VISITOR.frame(...)`, `AGENT.frame(...)`) goes to the session's
visitor or agents group, and each consumer sends it on as it is (`media_frame`).

A service sends a ready frame whenever every receiver gets the same one. It sends an
event (`{"type": "<topic>.<what>", ...}`) only when each socket must decide for itself
(its own agent index, login or state), and the consumer method of that name builds the
frame."""

from core import groups
from core.layers import broadcast_after_commit


def frame_to_visitor(session_id: int, frame: dict) -> None:
    broadcast_after_commit(
        groups.session_visitor(session_id), {"type": "media.frame", "frame": frame}
    )


def frame_to_agents(session_id: int, frame: dict) -> None:
    broadcast_after_commit(
        groups.session_agents(session_id), {"type": "media.frame", "frame": frame}
    )
