"""Which group a REST request may act in."""

from django.contrib.auth.models import AbstractBaseUser

from api.models import ApiToken
from cobrowse.models import Group
from core.errors import ErrorCode, TandemError
from presence import services as presence


def group_access(*, user: AbstractBaseUser, token: ApiToken | None, group_public_id: int) -> Group:
    """A token reaches its own group only, a logged-in agent any group of theirs (and a
    token's agent must still be one). Any other group, existing or not, is not found."""
    if token is not None and token.group.public_id != group_public_id:
        raise TandemError(ErrorCode.NOT_FOUND, f"No group {group_public_id} among yours.")
    return presence.agent_group(agent=user, group_public_id=group_public_id)
