"""Django's signals about accounts, each handed to one service (agents.services)."""

from django.conf import settings
from django.contrib.auth.signals import user_logged_out
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver

from agents import services
from agents.models import Membership


@receiver(user_logged_out)
def agent_logged_out(sender, request, user, **kwargs) -> None:
    services.agent_signed_out(user=user, login=request.session.session_key)


@receiver(pre_save, sender=settings.AUTH_USER_MODEL)
def account_saving(sender, instance, update_fields=None, **kwargs) -> None:
    services.agent_account_saving(user=instance, update_fields=update_fields)


@receiver(post_save, sender=settings.AUTH_USER_MODEL)
def account_saved(sender, instance, **kwargs) -> None:
    services.agent_account_saved(user=instance)


@receiver(post_delete, sender=Membership)
def membership_deleted(sender, instance, **kwargs) -> None:
    services.membership_removed(user_id=instance.user_id, group_id=instance.group_id)


@receiver(pre_save, sender=Membership)
def membership_saving(sender, instance, **kwargs) -> None:
    services.membership_saving(membership=instance)
