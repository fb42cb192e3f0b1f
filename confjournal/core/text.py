"""Text helpers shared by both apps: NFC normalisation, slugs, tag parsing.

Korean typed on a Mac arrives decomposed (NFD); stored and searched text is
always NFC so that the same word is the same string.
"""

import unicodedata

from django.utils.text import slugify


def nfc(value):
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value)
    return value


def make_slug(text, max_length=100, fallback="item"):
    """A slug that keeps Hangul and is never empty."""
    slug = slugify(nfc(text or ""), allow_unicode=True)[:max_length].strip("-")
    return slug or fallback


def unique_slug(queryset, text, max_length=100, fallback="item", exclude_pk=None):
    """`make_slug`, with -2, -3, … appended until no row of `queryset` has it."""
    base = make_slug(text, max_length=max_length, fallback=fallback)
    # A suffix may cut the base short: look among every slug that starts like the cut one.
    stem = base[: max_length - 6]
    taken = set(
        queryset.exclude(pk=exclude_pk).filter(slug__startswith=stem).values_list("slug", flat=True)
    )
    slug, n = base, 2
    while slug in taken:
        suffix = f"-{n}"
        slug = base[: max_length - len(suffix)] + suffix
        n += 1
    return slug
