import secrets

from django.db import migrations, models

import cobrowse.models


def give_each_group_its_own_secret(apps, schema_editor):
    Group = apps.get_model("cobrowse", "Group")
    for group in Group.objects.all():
        group.visitor_id_secret = secrets.token_urlsafe(32)
        group.save(update_fields=["visitor_id_secret"])


class Migration(migrations.Migration):
    dependencies = [
        ("cobrowse", "0011_session_key_unique_per_group"),
    ]

    operations = [
        migrations.AddField(
            model_name="group",
            name="signed_visitor_ids",
            field=models.BooleanField(
                default=False,
                help_text="Presence connections must carry the visitor id's signature (data-visitorsig): hex HMAC-SHA256 of the id, keyed with the visitor id secret. Unsigned or wrongly signed ids are refused.",
            ),
        ),
        # Added empty, then filled one group at a time: a default computed once would give
        # every existing group the same secret.
        migrations.AddField(
            model_name="group",
            name="visitor_id_secret",
            field=models.CharField(default="", max_length=64),
            preserve_default=False,
        ),
        migrations.RunPython(give_each_group_its_own_secret, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="group",
            name="visitor_id_secret",
            field=models.CharField(
                default=cobrowse.models.new_visitor_id_secret,
                help_text="The key your backend signs visitor ids with. Keep it secret; change it to invalidate every signature.",
                max_length=64,
            ),
        ),
    ]
