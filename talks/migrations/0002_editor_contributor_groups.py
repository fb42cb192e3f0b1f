"""The two groups a shared journal needs: Editors and Contributors.

Editors keep the shared records (events, booths, topics, speakers, talks,
papers) and write notes; Contributors see the shared records and write notes.
The admin lets anyone see and change only their own notes, whatever the group.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

SHARED = [
    ("events", "event"),
    ("events", "booth"),
    ("events", "tag"),
    ("talks", "speaker"),
    ("talks", "talk"),
    ("talks", "paper"),
]
NOTES = [("talks", "note")]
ALL = ["add", "change", "delete", "view"]

GROUPS = {
    "Editors": [(model, action) for model in SHARED + NOTES for action in ALL],
    "Contributors": [(model, "view") for model in SHARED]
    + [(model, action) for model in NOTES for action in ALL],
}


def create_groups(apps, schema_editor):
    # Permissions are normally made after the whole migrate run; on a fresh
    # database they do not exist yet at this point, so make them now.
    for label in ("events", "talks"):
        app_config = apps.get_app_config(label)
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0, using=schema_editor.connection.alias)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    db = schema_editor.connection.alias
    for name, grants in GROUPS.items():
        group, _ = Group.objects.using(db).get_or_create(name=name)
        permissions = [
            Permission.objects.using(db).get(
                content_type__app_label=app_label, codename=f"{action}_{model}"
            )
            for (app_label, model), action in grants
        ]
        group.permissions.add(*permissions)


def remove_groups(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Group.objects.using(schema_editor.connection.alias).filter(name__in=GROUPS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("talks", "0001_initial"),
        ("events", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
