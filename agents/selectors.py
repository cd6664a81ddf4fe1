"""Reads for the agent pages."""

from django.contrib.auth.models import AbstractBaseUser

from cobrowse.models import CobrowseSession, Group, SessionSocket
from cobrowse.pages import pages_get
from cobrowse.selectors import (
    agent_group_ids,
    session_list_active,
    session_summary,
    sessions_for_key,
    visitor_params,
)
from core.keys import typed_key_candidates


def dashboard_sessions(*, group_ids: list[int]) -> list[dict]:
    """The live sessions in `group_ids`, newest first, as the dashboard shows them."""
    sessions = session_list_active(group_ids=group_ids)
    known = pages_get(session_ids=[s.id for s in sessions])
    return [
        session_summary(session=s, agents=s.agents_watching, page=known.get(s.id)) for s in sessions
    ]


def joined_sessions(*, user: AbstractBaseUser) -> list[dict]:
    """The live sessions this agent has a viewer open in (in any tab), newest first: the
    viewer's switcher lists them."""
    sessions = (
        CobrowseSession.objects.select_related("group")
        .filter(
            id__in=SessionSocket.objects.filter(
                role=SessionSocket.Role.AGENT, actor=user.get_username()
            ).values("session_id"),
            group_id__in=agent_group_ids(user=user),
            state=CobrowseSession.State.ACTIVE,
        )
        .order_by("-started_at")[:50]
    )
    return [
        {"key": s.key, "group": s.group.public_id, "visitor": visitor_params(session=s)}
        for s in sessions
    ]


def agent_groups(*, user: AbstractBaseUser) -> list[Group]:
    return list(Group.objects.filter(id__in=agent_group_ids(user=user)))


def key_to_join(*, user: AbstractBaseUser, typed: str) -> str | None:
    """The session key an agent means by `typed` (as read from the visitor's panel: "203 218",
    "203-218"): the first reading live in the agent's groups, else the most lenient reading
    (the viewer waits for it to start); None when no reading is a key at all."""
    candidates = typed_key_candidates(typed)
    for key in candidates:
        if sessions_for_key(user=user, key=key):
            return key
    return candidates[-1] if candidates else None
