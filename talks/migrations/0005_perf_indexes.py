# Indexes for the list pages' orderings: notes newest first, speakers by name.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("talks", "0004_photos"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="note",
            index=models.Index(fields=["created_at", "id"], name="note_created_idx"),
        ),
        migrations.AddIndex(
            model_name="speaker",
            index=models.Index(fields=["name", "id"], name="speaker_name_idx"),
        ),
    ]
