"""/stats/: the journal counted in the database for what the viewer may see, drawn as SVG
on the server, cached under the journal version.

It may import both apps, `core` and `web`.
"""
