"""Create (idempotently) the demo group 72, its site, trusted domains and an agent."""

import secrets

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction

from agents.models import Membership
from cobrowse.models import Group, Site, TrustedDomain

DEMO_GROUP = 72
DEMO_DOMAINS = ["localhost", "127.0.0.1"]
DEMO_MASKS = ".demo-private"


class Command(BaseCommand):
    help = "Create the demo group 72 with site 'production' and the agent 'agent'."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--password", help="The agent's password (default: a random one).")

    @transaction.atomic
    def handle(self, *args, password: str | None = None, **options) -> None:
        group, _ = Group.objects.get_or_create(
            public_id=DEMO_GROUP, defaults={"name": "Demo", "mask_selectors": DEMO_MASKS}
        )
        Site.objects.get_or_create(group=group, name="production")
        for pattern in DEMO_DOMAINS:
            TrustedDomain.objects.get_or_create(group=group, pattern=pattern)
        user, created = get_user_model().objects.get_or_create(username="agent")
        if created or password:
            password = password or secrets.token_urlsafe(9)
            user.set_password(password)
            user.save()
        Membership.objects.get_or_create(
            user=user, group=group, defaults={"role": Membership.Role.ADMIN}
        )
        shown = password if password else "(unchanged; pass --password to set it)"
        self.stdout.write(f"Demo group {DEMO_GROUP} ready. Agent login: agent / {shown}")
