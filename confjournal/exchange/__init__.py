"""Bringing records in and taking them out: importing a conference programme (frab XML,
schedule JSON, iCalendar), papers (BibTeX) and old blog posts, the whole-journal archive
(export and restore), and the demo journal that `make run` loads.

Plain functions where one action writes several models of both apps; the management
commands and the admin's upload pages call them. It may import both apps, `core` and `web`.
"""
