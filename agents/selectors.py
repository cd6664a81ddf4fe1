"""Reads for the agent pages."""

from django.contrib.auth.models import AbstractBaseUser

from cobrowse.models import Group
from cobrowse.selectors import agent_group_ids, session_list_active, session_summary
from cobrowse.services import session_agent_count


def dashboard_state(*, user: AbstractBaseUser) -> tuple[list[int], list[dict]]:
    """The agent's group ids and the live sessions in them, newest first."""
    group_ids = agent_group_ids(user=user)
    sessions = [
        session_summary(session=s, agents=session_agent_count(session_id=s.id))
        for s in session_list_active(group_ids=group_ids)
    ]
    return group_ids, sessions


def agent_groups(*, user: AbstractBaseUser) -> list[Group]:
    return list(Group.objects.filter(id__in=agent_group_ids(user=user)))
