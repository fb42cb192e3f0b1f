"""An index of taggings by topic and kind of record, for the topic list.

The topic list checks that each topic is used on a record the viewer may see and
counts a page of topics' records; both walk a topic's taggings of one kind, which
this index holds without reading the table.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("events", "0005_search_document")]

    operations = [
        migrations.AddIndex(
            model_name="taggeditem",
            index=models.Index(
                fields=["tag", "content_type", "object_id"], name="taggeditem_tag_kind_idx"
            ),
        ),
    ]
