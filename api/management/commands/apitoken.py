"""Make an API token for an agent of a group and print its key, the only time it is shown."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from api import services
from cobrowse.models import Group
from core.errors import TandemError


class Command(BaseCommand):
    help = "Create an API token acting as <username> in group <group_public_id>; print its key."

    def add_arguments(self, parser) -> None:
        parser.add_argument("username")
        parser.add_argument("group_public_id", type=int)
        parser.add_argument("--name", default="", help="What will use it, e.g. 'CRM'.")

    def handle(self, *args, username: str, group_public_id: int, name: str, **options) -> None:
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user {username!r}.")
        group = Group.objects.filter(public_id=group_public_id).first()
        if group is None:
            raise CommandError(f"No group {group_public_id}.")
        try:
            token, key = services.token_create(user=user, group=group, name=name[:100])
        except TandemError as error:
            raise CommandError(error.msg) from None
        self.stderr.write(f"Token {token.prefix}… for {username} in group {group_public_id}:")
        self.stdout.write(key)
