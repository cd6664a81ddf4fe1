"""Reads for the agent pages."""

from django.contrib.auth.models import AbstractBaseUser

from cobrowse.models import Group
from cobrowse.selectors import agent_group_ids, session_list_active, session_summary


def dashboard_sessions(*, group_ids: list[int]) -> list[dict]:
    """The live sessions in `group_ids`, newest first, as the dashboard shows them."""
    return [
        session_summary(session=s, agents=s.agents_watching)
        for s in session_list_active(group_ids=group_ids)
    ]


def agent_groups(*, user: AbstractBaseUser) -> list[Group]:
    return list(Group.objects.filter(id__in=agent_group_ids(user=user)))
