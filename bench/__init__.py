"""The benchmark tooling: the size-L journal generator, and the commands that time pages,
search and photos against it (`make bench`, `make bench-search`).

A Django app outside the shipped packages: only bench/settings.py (what the bench scripts
run with) and the test settings install it. It may import anything; nothing imports it.
"""
