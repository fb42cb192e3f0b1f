"""Once: a stored, folded search document on PostgreSQL, kept by a trigger.

Retired (the search index is pg_trgm on the fields themselves now, made after migrate
by confjournal/search/index.py; the next migration of this app drops what this one
made on a database that ran it). Kept, empty, so that migration history stays whole.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("events", "0004_journal_version")]

    operations = []
