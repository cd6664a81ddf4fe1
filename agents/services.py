"""Writes about agents: a dashboard opening, and taking an agent's access back, which
closes its open sockets.

A socket checks who may use it when it opens; these keep the check true while it stays
open. Each tells the agent's sockets (`groups.agent_sockets`) after the change commits, and
a socket closes when the message concerns it (`core.groups.revocation_applies`): the sockets of one
login on sign-out, all of them on deactivation, those of one group when a membership goes.
"""

import logging
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser

from agents import availability, selectors
from agents.models import Membership
from cobrowse import sweeps
from core import groups
from core.errors import ErrorCode
from core.layers import broadcast_after_commit
from presence import services as presence

log = logging.getLogger("tandem.agents")


def _revoke(*, user_id: int, code: ErrorCode, msg: str, login: str = "", group_id: int = 0) -> None:
    message = {
        "type": "agent.revoked",
        "code": str(code),
        "msg": msg,
        "login": login,  # "": every login of the agent
        "group": group_id,  # 0: every group
    }

    broadcast_after_commit(groups.agent_sockets(user_id), message)
    log.info("agent sockets revoked user_id=%s code=%s group_id=%s", user_id, code, group_id)


def agent_signed_out(*, user: AbstractBaseUser | None, login: str | None) -> None:
    """The agent logged out: the sockets that login opened close (other logins stay)."""
    if user is None or not login:
        return
    _revoke(user_id=user.pk, code=ErrorCode.UNAUTHENTICATED, msg="You signed out.", login=login)


# Set on an account about to be saved with a password other than the stored one.
PASSWORD_CHANGED = "_tandem_password_changed"


def agent_account_saving(*, user: AbstractBaseUser, update_fields=None) -> None:
    """An account is about to be saved: note whether its password changes, which Django
    takes as the end of its other logins (their cookies stop working)."""
    if user.pk is None or (update_fields is not None and "password" not in update_fields):
        return
    model = type(user)
    stored = model._default_manager.filter(pk=user.pk).values_list("password", flat=True)
    before = stored.first()
    setattr(user, PASSWORD_CHANGED, before is not None and before != user.password)


def agent_account_saved(*, user: AbstractBaseUser) -> None:
    """An account was saved: if it is deactivated, or its password changed (after a
    stolen login, say), every socket of it closes. The login that changed its own
    password stays signed in; its pages reopen their sockets when reloaded."""
    changed = getattr(user, PASSWORD_CHANGED, False)
    setattr(user, PASSWORD_CHANGED, False)
    if not user.is_active:
        msg = "Your account was deactivated."
    elif changed:
        msg = "Your password was changed. Sign in again."
    else:
        return
    _revoke(user_id=user.pk, code=ErrorCode.UNAUTHENTICATED, msg=msg)


def membership_removed(*, user_id: int, group_id: int) -> None:
    """The agent is no longer in the group: its sockets on that group's sessions close."""
    msg = "You are no longer an agent of this group."
    _revoke(user_id=user_id, code=ErrorCode.FORBIDDEN, msg=msg, group_id=group_id)


def membership_saving(*, membership: Membership) -> None:
    """A membership is about to be saved: moved to another user or group, it is removed
    from the old one."""
    if membership.pk is None:
        return
    before = Membership.objects.filter(pk=membership.pk).values("user_id", "group_id").first()
    if before and before != {"user_id": membership.user_id, "group_id": membership.group_id}:
        membership_removed(user_id=before["user_id"], group_id=before["group_id"])


@dataclass(frozen=True)
class DashboardStart:
    """What a dashboard shows when it opens: the agent's availability switch, the live
    sessions (`session_summary` dicts, newest first) and the visitors online (presence
    `summary` dicts) of its groups."""

    available: bool
    sessions: list[dict]
    visitors: list[dict]


def dashboard_start(
    *, user: AbstractBaseUser, group_ids: list[int], channel: str
) -> DashboardStart:
    """A dashboard opened on `channel`: count it for the agent's availability, end the
    sessions of `group_ids` whose visitor left for good (so none is listed that the next
    sweep would end), and read what it shows."""
    available = availability.agent_available(user=user)
    availability.dashboard_open(
        user=user, group_ids=group_ids, channel=channel, available=available
    )
    sweeps.sessions_end_abandoned(group_ids=group_ids)
    return DashboardStart(
        available=available,
        sessions=selectors.dashboard_sessions(group_ids=group_ids),
        visitors=presence.dashboard_visitors(group_ids=group_ids),
    )
