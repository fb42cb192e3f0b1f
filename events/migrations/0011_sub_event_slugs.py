"""Days and side events get addresses that hold their conference's: "day-1-코엑스" becomes
"samsung-ai-forum-2022-day-1-코엑스", so next year's forum can have a "Day 1" too. The old
address is kept as a former slug and redirects (events/slugs.py)."""

from django.db import migrations

from confjournal.core.text import unique_slug


def prefix_with_parent(apps, schema_editor):
    Event = apps.get_model("events", "Event")
    FormerSlug = apps.get_model("events", "FormerSlug")
    for event in Event.objects.exclude(parent=None).select_related("parent").order_by("pk"):
        if event.slug.startswith(f"{event.parent.slug}-"):
            continue
        FormerSlug.objects.create(slug=event.slug, event=event)
        event.slug = unique_slug(
            Event.objects.all(), f"{event.parent.slug[:80]} {event.slug}", max_length=120
        )
        event.save(update_fields=["slug"])


def restore(apps, schema_editor):
    """Give back the slugs this migration changed (not renames made in the admin since)."""
    Event = apps.get_model("events", "Event")
    FormerSlug = apps.get_model("events", "FormerSlug")
    formers = FormerSlug.objects.exclude(event__parent=None).select_related("event__parent")
    for former in formers.order_by("pk"):
        event = former.event
        ours = event.slug.startswith(f"{event.parent.slug[:80]}-") and former.slug in event.slug
        if ours and not Event.objects.filter(slug=former.slug).exists():
            Event.objects.filter(pk=event.pk).update(slug=former.slug)
            former.delete()


class Migration(migrations.Migration):
    dependencies = [("events", "0010_former_slugs")]

    operations = [migrations.RunPython(prefix_with_parent, restore)]
