"""The helpers both apps use: the visibility rule, NFC text and slugs, model fields,
topics (taggit), Markdown with its sanitiser, the shared list view, the admin's access
rules and input guards, database objects installed after migrate, and the registry of
the journal's models.

It imports Django and libraries only, never `events`, `talks` or another part of
`confjournal`: everything else may import it.
"""
