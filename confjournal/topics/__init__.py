"""Topics: the list of topics in use, everything under one topic, and the topics' admin.

A topic (`events.Tag`) labels events, booths, talks, papers and notes alike, so its pages
read both apps; it may import them, `core` and `web`.
"""
