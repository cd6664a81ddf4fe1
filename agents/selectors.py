"""Reads for the agent pages."""

from django.contrib.auth.models import AbstractBaseUser

from cobrowse.keys import typed_key_candidates
from cobrowse.models import Group
from cobrowse.selectors import (
    agent_group_ids,
    session_list_active,
    session_summary,
    sessions_for_key,
)


def dashboard_sessions(*, group_ids: list[int]) -> list[dict]:
    """The live sessions in `group_ids`, newest first, as the dashboard shows them."""
    return [
        session_summary(session=s, agents=s.agents_watching)
        for s in session_list_active(group_ids=group_ids)
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
