"""Every channel-layer group name, in one place: dotted ASCII, never user text."""


def session_agents(session_id: int) -> str:
    """The agents watching a session: mirror frames fan out here."""
    return f"session.{session_id}.agents"


def session_visitor(session_id: int) -> str:
    """The visitor socket of a session: snapshot requests and agent counts go here."""
    return f"session.{session_id}.visitor"


def dashboard(group_id: int) -> str:
    """Every open agent dashboard of a group: session list changes go here."""
    return f"dashboard.{group_id}"


def session_news(group_id: int) -> str:
    """Every agent viewer open in a group: new sessions of the group are announced here."""
    return f"news.{group_id}"


def agent_status(group_id: int) -> str:
    """Visitor pages that show whether an agent of the group is available."""
    return f"status.{group_id}"


def agent_dashboards(user_id: int) -> str:
    """Every open dashboard of one agent: its availability switch is shared."""
    return f"agent.{user_id}"


def agent_sockets(user_id: int) -> str:
    """Every open socket of one agent (dashboards, viewers): signing out, deactivation and
    membership removal close them through this group."""
    return f"agent.{user_id}.sockets"


def revocation_applies(message: dict, *, login: str | None, group_ids: list[int]) -> bool:
    """Whether an `agent.revoked` message (agents/services.py: `{"login": str, "group": int}`,
    "" and 0 meaning every login and every group) concerns a socket opened by `login` (the Django
    session key) on `group_ids`."""
    if message["login"] and message["login"] != login:
        return False
    return not message["group"] or message["group"] in group_ids
