"""What other programs read: the Atom feeds of notes and events (by topic and speaker too),
the sitemaps and robots.txt. Public records only, through `visible_to`.

It may import both apps, `core`, `web` and `stats` (the sitemap index's cached counts).
"""
