"""What a change to a group or its trusted domains invalidates."""

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from cobrowse import selectors
from cobrowse.models import Group, TrustedDomain


@receiver([post_save, post_delete], sender=Group)
@receiver([post_save, post_delete], sender=TrustedDomain)
def group_changed(**kwargs) -> None:
    """Sockets opened from now on read the group afresh. Once more at commit: a socket that
    read the old rows while the change was being made stored them under the generation it
    read them in, which this replaces."""
    selectors.groups_changed()
    transaction.on_commit(selectors.groups_changed)
