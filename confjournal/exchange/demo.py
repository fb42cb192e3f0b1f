"""The demo journal: its records are data (demo_journal/journal.toml, with its photos
beside it); this module loads them and can take them out again.

`load_demo()` creates or updates every record by its natural key and writes only what
differs, so running it again changes nothing:

- Event by slug, Speaker by slug,
- Talk and Paper by (event, title), Booth by (event, organization),
- Note by (event, owner, title) — every demo note has a title,
- Photo by (event, owner, alt text), stored through the same pipeline as an upload.

Everything goes through `full_clean()` first, so the models' own rules apply.
`remove_demo()` deletes exactly those records and nothing a user added.
"""

import tomllib
from collections import Counter
from pathlib import Path

from django.conf import settings
from django.contrib.admin.utils import NestedObjects
from django.contrib.auth import get_user_model
from django.db import router, transaction
from django.db.models import Count, Q

from confjournal.core.text import make_slug, nfc
from events import photos
from events.models import Booth, Event, Photo, Tag
from talks.models import Note, Paper, Speaker, Talk

DEMO_OWNER = "demo"
DATA = Path(__file__).resolve().parent / "demo_journal"

# What the summary line counts, in its order.
MODELS = [
    ("events", Event),
    ("speakers", Speaker),
    ("talks", Talk),
    ("papers", Paper),
    ("booths", Booth),
    ("notes", Note),
    ("photos", Photo),
]


def demo_data():
    """The demo journal as plain data: {"speakers": [...], "events": [...]}."""
    with (DATA / "journal.toml").open("rb") as file:
        return tomllib.load(file)


def event_slug(data):
    return data.get("slug") or make_slug(data["name"], max_length=120)


def get_demo_owner(username=DEMO_OWNER, create=True):
    """The user owning the demo: made, with an unusable password, when missing."""
    User = get_user_model()
    try:
        return User.objects.get(**{User.USERNAME_FIELD: username})
    except User.DoesNotExist:
        if not create:
            raise
    user = User(**{User.USERNAME_FIELD: username})
    user.set_unusable_password()
    user.full_clean()
    user.save()
    return user


def _clean_value(value):
    return nfc(value) if isinstance(value, str) else value


def _tag_key(name):
    name = nfc(name)
    return name.casefold() if getattr(settings, "TAGGIT_CASE_INSENSITIVE", False) else name


class _Loader:
    def __init__(self, owner, stdout=None):
        self.owner = owner
        self.stdout = stdout
        self.result = {label: {"created": 0, "updated": 0, "unchanged": 0} for label, _ in MODELS}
        self.labels = {model: label for label, model in MODELS}

    def log(self, message):
        if self.stdout is not None:
            self.stdout.write(message)

    def sync(self, model, lookup, values, tags=None, speakers=None):
        """Create or update one record; write only what differs. Returns the record."""
        lookup = {name: _clean_value(value) for name, value in lookup.items()}
        values = {name: _clean_value(value) for name, value in values.items()}
        obj = model.objects.filter(**lookup).first()
        created = obj is None
        changed = False
        if created:
            obj = model(**lookup, **values)
        else:
            for name, value in values.items():
                field = model._meta.get_field(name)
                if field.is_relation:
                    current, wanted = getattr(obj, field.attname), getattr(value, "pk", value)
                else:
                    current, wanted = getattr(obj, name), value
                if current != wanted:
                    setattr(obj, name, value)
                    changed = True
        if created or changed:
            obj.full_clean()
            obj.save()
        if tags is not None and self._sync_tags(obj, tags):
            changed = True
        if speakers is not None and self._sync_speakers(obj, speakers):
            changed = True

        outcome = "created" if created else "updated" if changed else "unchanged"
        self.result[self.labels[model]][outcome] += 1
        if outcome != "unchanged":
            self.log(f"{outcome} {model._meta.verbose_name}: {obj}")
        return obj

    def _sync_tags(self, obj, tags):
        wanted = list(dict.fromkeys(nfc(name) for name in tags))
        current = {_tag_key(name) for name in obj.tags.names()}
        if current == {_tag_key(name) for name in wanted}:
            return False
        obj.tags.set(wanted)
        return True

    def _sync_speakers(self, talk, speakers):
        current = list(
            talk.talk_speakers.order_by("position", "id").values_list("speaker_id", "position")
        )
        if current == [(speaker.pk, position) for position, speaker in enumerate(speakers)]:
            return False
        talk.set_speakers(speakers)
        return True

    def load(self):
        journal = demo_data()
        speakers = {}
        for data in journal["speakers"]:
            values = {
                "name": data["name"],
                "aliases": data.get("aliases", ""),
                "affiliation": data.get("affiliation", ""),
                "homepage": data.get("homepage", ""),
            }
            speakers[data["slug"]] = self.sync(Speaker, {"slug": data["slug"]}, values)

        events = {}
        for data in journal["events"]:
            event = self.load_event(data, events)
            events[event.slug] = event
            self.load_contents(event, data, speakers)
            self.load_photos(event, data.get("photos", []))
        return self.result

    def load_photos(self, event, items):
        """The event's demo photos, drawn and stored through the upload pipeline when new."""
        for item in items:
            lookup = {"event": event, "owner": self.owner, "alt_text": nfc(item["alt_text"])}
            values = {
                "caption": nfc(item.get("caption", "")),
                "visibility": item.get("visibility", "private"),
                "booth": event.booths.get(organization=item["booth"])
                if item.get("booth")
                else None,
                "taken_at": item.get("taken_at"),
            }
            photo = Photo.objects.filter(**lookup).first()
            outcome = "unchanged"
            if photo is None:
                photo = Photo(**lookup, **values)
                processed = photos.process((DATA / item["file"]).read_bytes())
                photo.width, photo.height = processed.image.width, processed.image.height
                photo.full_clean(exclude=["image"])
                photos.store(photo, processed)  # the files are written when the load commits
                outcome = "created"
            else:
                changed = {
                    name: value for name, value in values.items() if getattr(photo, name) != value
                }
                if changed:
                    for name, value in changed.items():
                        setattr(photo, name, value)
                    photo.full_clean()
                    photo.save()
                    outcome = "updated"
            if item.get("cover") and event.cover_photo_id != photo.pk:
                event.cover_photo = photo
                event.full_clean()
                event.save(update_fields=["cover_photo", "updated_at"])
                if outcome == "unchanged":
                    outcome = "updated"
            self.result["photos"][outcome] += 1
            if outcome != "unchanged":
                self.log(f"{outcome} photo: {photo}")

    def load_event(self, data, events):
        slug = event_slug(data)
        values = {
            "name": data["name"],
            "series": data.get("series", ""),
            "kind": data["kind"],
            "parent": events[nfc(data["parent"])] if data.get("parent") else None,
            "start_date": data["start_date"],
            "end_date": data["end_date"],
            "venue": data.get("venue", ""),
            "city": data.get("city", ""),
            "country": data.get("country", ""),
            "attendance": data.get("attendance", Event.Attendance.IN_PERSON),
            "organizer": data.get("organizer", ""),
            "website": data.get("website", ""),
            "role": data.get("role", Event.Role.ATTENDEE),
            "summary": data.get("summary", ""),
            "visibility": data.get("visibility", "public"),
            "owner": self.owner,
        }
        return self.sync(Event, {"slug": slug}, values, tags=data.get("tags", []))

    def load_contents(self, event, data, speakers):
        talks = {}
        for item in data.get("talks", []):
            values = {
                "kind": item.get("kind", Talk.Kind.INVITED),
                "date": item.get("date"),
                "start_time": item.get("start_time"),
                "end_time": item.get("end_time"),
                "room": item.get("room", ""),
                "abstract": item.get("abstract", ""),
                "slides_url": item.get("slides_url", ""),
                "video_url": item.get("video_url", ""),
                "rating": item.get("rating"),
                "is_mine": item.get("is_mine", False),
                "attended": item.get("attended", True),
            }
            talks[item["title"]] = self.sync(
                Talk,
                {"event": event, "title": item["title"]},
                values,
                tags=item.get("tags", []),
                speakers=[speakers[slug] for slug in item.get("speakers", [])],
            )

        papers = {}
        for item in data.get("papers", []):
            values = {
                "authors": item.get("authors", ""),
                "presentation": item.get("presentation", Paper.Presentation.POSTER),
                "session": item.get("session", ""),
                "url": item.get("url", ""),
                "arxiv_id": item.get("arxiv_id", ""),
                "doi": item.get("doi", ""),
                "abstract": item.get("abstract", ""),
                "is_mine": item.get("is_mine", False),
                "talk": talks[item["talk"]] if item.get("talk") else None,
            }
            papers[item["title"]] = self.sync(
                Paper,
                {"event": event, "title": item["title"]},
                values,
                tags=item.get("tags", []),
            )

        booths = {}
        for item in data.get("booths", []):
            values = {
                "kind": item.get("kind", Booth.Kind.COMPANY),
                "location": item.get("location", ""),
                "showcase": item.get("showcase", ""),
                "swag": item.get("swag", ""),
                "website": item.get("website", ""),
            }
            booths[item["organization"]] = self.sync(
                Booth,
                {"event": event, "organization": item["organization"]},
                values,
                tags=item.get("tags", []),
            )

        for item in data.get("notes", []):
            values = {
                "talk": talks[item["talk"]] if item.get("talk") else None,
                "paper": papers[item["paper"]] if item.get("paper") else None,
                "booth": booths[item["booth"]] if item.get("booth") else None,
                "body": item["body"],
                "visibility": item.get("visibility", "private"),
                "highlight": item.get("highlight", False),
            }
            self.sync(
                Note,
                {"event": event, "owner": self.owner, "title": item["title"]},
                values,
                tags=item.get("tags", []),
            )


def load_demo(owner=None, stdout=None):
    """Create or update the demo journal, owned by `owner` (default: the demo user).

    Returns, for each model label of `MODELS`, how many records were created,
    updated and left unchanged. With `stdout`, writes one line per change.
    """
    with transaction.atomic():
        if owner is None:
            owner = get_demo_owner()
        return _Loader(owner, stdout).load()


def summary_line(result):
    """'Demo journal: 9 events, … (created N, updated U, unchanged M)'."""
    counts = ", ".join(
        f"{sum(result[label].values())} {label}" for label, _ in MODELS if label in result
    )
    totals = {
        outcome: sum(tally[outcome] for tally in result.values())
        for outcome in ("created", "updated", "unchanged")
    }
    return (
        f"Demo journal: {counts} (created {totals['created']}, "
        f"updated {totals['updated']}, unchanged {totals['unchanged']})."
    )


def _demo_records(journal, owner):
    """The demo's records that exist, in an order to delete them: what hangs on an event
    first, then days and side events, then their parents."""
    slugs = [event_slug(data) for data in journal["events"]]
    events = {event.slug: event for event in Event.objects.filter(slug__in=slugs, owner=owner)}
    leaves, parents = [], []
    for data in journal["events"]:
        event = events.get(event_slug(data))
        if event is None:
            continue
        leaves += event.notes.filter(
            owner=owner, title__in=[n["title"] for n in data.get("notes", [])]
        )
        leaves += event.photos.filter(
            owner=owner, alt_text__in=[p["alt_text"] for p in data.get("photos", [])]
        )
        leaves += event.talks.filter(title__in=[t["title"] for t in data.get("talks", [])])
        leaves += event.papers.filter(title__in=[p["title"] for p in data.get("papers", [])])
        leaves += event.booths.filter(
            organization__in=[b["organization"] for b in data.get("booths", [])]
        )
        (parents if event.parent_id is None else leaves).append(event)
    return leaves + parents


def _cascade(record):
    """(model, pk) of every journal record that deleting `record` would delete."""
    collector = NestedObjects(using=router.db_for_write(type(record)))
    collector.collect([record])
    labels = {model for _label, model in MODELS}
    return {
        (model, instance.pk)
        for model, instances in collector.data.items()
        if model in labels
        for instance in instances
    }


def holds_only_the_demo():
    """Whether every event of the journal is the demo's (and there is one): a new owner's
    journal, before they log their first event."""
    demo = Q(**{f"owner__{get_user_model().USERNAME_FIELD}": DEMO_OWNER})
    counts = Event.objects.aggregate(
        demo=Count("pk", filter=demo), others=Count("pk", filter=~demo)
    )
    return counts["demo"] > 0 and counts["others"] == 0


def remove_demo():
    """Delete the demo journal's own records and keep everything anyone else added.

    The records `load_demo` makes, found by the same natural keys, go one by one: a demo
    record under which someone else's note, photo, talk, day or side event hangs stays,
    and is reported. Then the demo speakers with no talk left, the demo topics nothing
    uses any more, and the demo user when it owns nothing else. Returns
    (deleted counts by label, the records kept).
    """
    User = get_user_model()
    journal = demo_data()
    deleted, kept = Counter(), []
    with transaction.atomic():
        owner = User.objects.filter(**{User.USERNAME_FIELD: DEMO_OWNER}).first()
        if owner is None:
            return deleted, kept
        records = _demo_records(journal, owner)
        ours = {(type(record), record.pk) for record in records}
        labels = {model: label for label, model in MODELS}
        for record in records:
            if not type(record).objects.filter(pk=record.pk).exists():
                continue  # gone with its event
            if _cascade(record) <= ours:
                record.delete()
                deleted[labels[type(record)]] += 1
            else:
                kept.append(record)
        speakers = Speaker.objects.filter(
            slug__in=[data["slug"] for data in journal["speakers"]], talks__isnull=True
        )
        deleted["speakers"] += speakers.delete()[1].get(Speaker._meta.label, 0)
        names = {nfc(name) for data in _tagged(journal) for name in data.get("tags", [])}
        Tag.objects.filter(name__in=names, items__isnull=True).delete()
        owns = [Event.objects.filter(owner=owner), Note.objects.filter(owner=owner)]
        owns.append(Photo.objects.filter(owner=owner))
        if not any(queryset.exists() for queryset in owns):
            owner.delete()
    return deleted, kept


def _tagged(journal):
    """Every event, talk, paper, booth and note of the demo data (what carries tags)."""
    for event in journal["events"]:
        yield event
        for kind in ("talks", "papers", "booths", "notes"):
            yield from event.get(kind, [])
