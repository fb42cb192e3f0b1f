"""Search: the search page, the index behind it on SQLite (FTS5) and PostgreSQL (GIN),
and the speaker suggestions of the search box.

A journal-wide feature: it reads the records of both apps and may import them, `core`
and `web`; nothing below it imports it.
"""
