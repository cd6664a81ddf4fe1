"""How a service reaches sockets: after the transaction commits, a frame built through the
protocol declaration (`VISITOR.frame(...)`, `AGENT.frame(...)`) goes to the session's
visitor or agents group (or a dashboard or status group: core.layers.frame_after_commit),
and each consumer sends it on as it is (core.sockets.FrameConsumer.frame_send).

A service sends a ready frame whenever every receiver gets the same one. It sends an
event (`{"type": "<topic>.<what>", ...}`) only when each socket must decide for itself
(its own agent index, login or state), and the consumer method of that name builds the
frame."""

from core import groups
from core.layers import frame_after_commit


def frame_to_visitor(session_id: int, frame: dict, *, focused_only: bool = False) -> None:
    """After the commit, `frame` (built with `VISITOR.frame`) to the session's visitor tabs
    (with `focused_only`, to the tab that holds the focus)."""
    frame_after_commit(groups.session_visitor(session_id), frame, focused_only=focused_only)


def frame_to_agents(session_id: int, frame: dict) -> None:
    """After the commit, `frame` (built with `AGENT.frame`) to every agent of the session."""
    frame_after_commit(groups.session_agents(session_id), frame)
