from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("cobrowse", "0009_session_share_reverse"),
    ]

    operations = [
        migrations.AddField(
            model_name="cobrowsesession",
            name="reverse_only",
            field=models.BooleanField(default=False, editable=False),
        ),
    ]
