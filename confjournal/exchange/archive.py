"""The whole journal as one zip file: `export_journal` writes it, `import_journal` restores it.

The archive holds `journal.json` and the media files:

    journal.json   {"format": "confjournal-journal", "version": 1,
                    "records": {"<app_label.model>": [{"pk": …, "fields": {…}}, …], …},
                    "media": [{"name": "photos/a.jpg", "size": …, "sha256": …}, …]}
    media/<name>   every file under MEDIA_ROOT, read through Django's storage API

Records are Django's own serialisation ("python" serializer) of the users and
groups and of every model of the journal apps, so a model added later (photos)
is exported without a change here. Primary keys are kept, so ownership,
tags and the order of speakers come back as they were; references to content
types, permissions and groups, which another database numbers differently, are
written as natural keys. The output is deterministic (sorted keys, records by
primary key, fixed zip timestamps): export, restore into an empty database,
export again, and the two archives hold the same bytes.

A reader meets `version` first: a later format adds keys and bumps it, and an
older ConfJournal refuses an archive newer than it knows.
"""

import datetime
import decimal
import hashlib
import json
import posixpath
import uuid
import zipfile

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core import serializers
from django.core.exceptions import SuspiciousFileOperation
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management.color import no_style
from django.core.serializers.base import DeserializationError
from django.db import DatabaseError, IntegrityError, connections, transaction

from confjournal.core import registry

FORMAT = "confjournal-journal"
VERSION = 1
DATA_NAME = "journal.json"
MEDIA_PREFIX = "media/"
# Referred to by natural key: the target database has its own numbering.
NATURAL = (ContentType, Permission, Group)
ZIP_TIME = (1980, 1, 1, 0, 0, 0)


class ArchiveError(Exception):
    """An archive that cannot be written or restored; the message is one line."""


def journal_models():
    """Groups, users, then the journal's models (confjournal/core/registry.py), in order."""
    return [Group, get_user_model(), *registry.journal_models()]


def _label(model):
    return model._meta.label_lower


# --------------------------------------------------------------------------- export


def _encode(value):
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()  # full precision, unlike DjangoJSONEncoder
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def _natural_keys(model, using):
    return {
        obj.pk: list(obj.natural_key())
        for obj in model._default_manager.db_manager(using).order_by("pk")
    }


def _records(model, using, natural):
    """One model's rows as serialised dicts, with natural keys for `NATURAL` models."""
    queryset = model._default_manager.db_manager(using).order_by("pk")
    rows = serializers.serialize(
        "python", queryset.iterator(), use_natural_primary_keys=model in NATURAL
    )
    relations = [
        f
        for f in model._meta.get_fields()
        if f.concrete and f.is_relation and f.related_model in NATURAL
    ]
    records = []
    for row in rows:
        fields = row["fields"]
        for field in relations:
            keys = natural[field.related_model]
            value = fields.get(field.name)
            if field.many_to_many:
                fields[field.name] = sorted(keys[pk] for pk in value)
            elif value is not None:
                fields[field.name] = keys[value]
        record = {"fields": fields}
        if "pk" in row:
            record["pk"] = row["pk"]
        records.append(record)
    if model in NATURAL:
        records.sort(key=lambda record: json.dumps(record["fields"], default=_encode))
    return records


def _media_names(storage, directory=""):
    try:
        directories, files = storage.listdir(directory)
    except FileNotFoundError:
        return
    for name in sorted(files):
        yield posixpath.join(directory, name) if directory else name
    for name in sorted(directories):
        yield from _media_names(storage, posixpath.join(directory, name) if directory else name)


def export_journal(target, *, using="default", storage=None):
    """Write the journal to `target` (a path or a binary file). Returns the counts written."""
    storage = storage or default_storage
    natural = {model: _natural_keys(model, using) for model in NATURAL}
    counts = {}
    # One snapshot of every table: nothing changes between two models.
    with transaction.atomic(using=using):
        records = {}
        for model in journal_models():
            records[_label(model)] = _records(model, using, natural)
            counts[_label(model)] = len(records[_label(model)])
    media = []
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        contents = {}
        for name in _media_names(storage):
            with storage.open(name, "rb") as file:
                data = file.read()
            contents[name] = data
            media.append(
                {"name": name, "size": len(data), "sha256": hashlib.sha256(data).hexdigest()}
            )
        document = {"format": FORMAT, "version": VERSION, "records": records, "media": media}
        text = json.dumps(document, default=_encode, ensure_ascii=False, indent=1, sort_keys=True)
        archive.writestr(zipfile.ZipInfo(DATA_NAME, ZIP_TIME), text + "\n", zipfile.ZIP_DEFLATED)
        for name, data in contents.items():
            archive.writestr(
                zipfile.ZipInfo(MEDIA_PREFIX + name, ZIP_TIME), data, zipfile.ZIP_DEFLATED
            )
    counts["media"] = len(media)
    return counts


# --------------------------------------------------------------------------- import


def read_document(archive):
    try:
        raw = archive.read(DATA_NAME)
    except KeyError:
        raise ArchiveError(f"There is no {DATA_NAME} in it: not a ConfJournal export.") from None
    try:
        document = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ArchiveError(f"{DATA_NAME} is not valid JSON ({error}).") from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise ArchiveError(f"{DATA_NAME} is not a ConfJournal export.")
    version = document.get("version")
    if not isinstance(version, int) or version > VERSION:
        raise ArchiveError(
            f"The archive is format version {version}; this ConfJournal reads version "
            f"{VERSION} and older. Update ConfJournal to restore it."
        )
    known = {_label(model) for model in journal_models()}
    unknown = sorted(set(document.get("records", {})) - known)
    if unknown:
        raise ArchiveError(f"The archive holds records this ConfJournal does not know: {unknown}.")
    return document


def journal_counts(using="default"):
    """The number of rows of each model a restore would write into (groups aside)."""
    return {
        _label(model): model._default_manager.db_manager(using).count()
        for model in journal_models()
        if model is not Group
    }


def import_journal(source, *, using="default", storage=None):
    """Restore an archive into an empty database, in one transaction. Returns the counts."""
    storage = storage or default_storage
    try:
        archive = zipfile.ZipFile(source)
    except (zipfile.BadZipFile, OSError) as error:
        raise ArchiveError(f"It is not a zip archive ({error}).") from None
    with archive:
        document = read_document(archive)
        media = document.get("media", [])
        with transaction.atomic(using=using):
            present = {label: n for label, n in journal_counts(using).items() if n}
            if present:
                listed = ", ".join(f"{n} {label}" for label, n in sorted(present.items()))
                raise ArchiveError(
                    f"The database is not empty ({listed}): import_journal restores into "
                    "an empty database only (run it after `migrate` on a new database)."
                )
            counts = _restore_records(document.get("records", {}), using)
            written = []
            try:
                for item in media:
                    _restore_file(archive, storage, item, written)
            except BaseException:
                for name in written:
                    storage.delete(name)
                raise
        counts["media"] = len(media)
    return counts


def _restore_records(records, using):
    counts = {}
    models = journal_models()
    try:
        for model in models:
            rows = records.get(_label(model), [])
            objects = serializers.deserialize(
                "python", [{"model": _label(model), **row} for row in rows], using=using
            )
            for deserialized in objects:
                deserialized.save(using=using)
            counts[_label(model)] = len(rows)
        connection = connections[using]
        # Foreign keys are checked at commit; check them now, so that a broken
        # archive is a one-line error and not a traceback at the end.
        connection.check_constraints(table_names=[model._meta.db_table for model in models])
        with connection.cursor() as cursor:
            # PostgreSQL's id sequences start over above the restored rows.
            for sql in connection.ops.sequence_reset_sql(no_style(), models):
                cursor.execute(sql)
    except (DeserializationError, IntegrityError, DatabaseError, ValueError) as error:
        first_line = str(error).strip().splitlines()[0] if str(error).strip() else ""
        raise ArchiveError(f"The records cannot be restored: {first_line}") from None
    return counts


def _restore_file(archive, storage, item, written):
    name = item.get("name", "")
    try:
        data = archive.read(MEDIA_PREFIX + name)
    except KeyError:
        raise ArchiveError(f"The media file {name} is listed but missing.") from None
    if hashlib.sha256(data).hexdigest() != item.get("sha256"):
        raise ArchiveError(f"The media file {name} is damaged (its checksum differs).")
    try:
        if storage.exists(name):
            with storage.open(name, "rb") as file:
                if file.read() == data:
                    return
            raise ArchiveError(f"The media file {name} already exists, with other content.")
        saved = storage.save(name, ContentFile(data))
    except SuspiciousFileOperation:
        raise ArchiveError(f"The media file name {name!r} points outside MEDIA_ROOT.") from None
    written.append(saved)
    if saved != name:
        raise ArchiveError(f"The media file {name} could not be stored under its own name.")
