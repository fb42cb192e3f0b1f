"""What several management commands read from their arguments (a module Django does not
take for a command: its name starts with "_")."""

from django.core.management.base import CommandError

from events.models import Event


def event_by_slug(slug):
    """The event `--event SLUG` names, or a one-line CommandError."""
    try:
        return Event.objects.select_related("owner").get(slug=slug)
    except Event.DoesNotExist:
        raise CommandError(f'There is no event with the slug "{slug}".') from None
