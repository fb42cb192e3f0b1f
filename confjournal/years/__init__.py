"""A year in review: `/years/<year>/` and its Markdown, the 회고 a researcher writes at
the end of a year, made from the journal.

Everything on it is what the viewer may see (each model's `visible_to`), counted in
the database; the page is cached for visitors like every other page. It reads both
apps and may import them, `core` and `web`.
"""
