"""The files other programs made that the tests read, kept under tests/data/ (never edited).

tests/data/README.md says where each came from: pretalx's three programme exports, the
frab schedule schemas, and the Big List of Naughty Strings with its licence.
"""

from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"


def data_file(*parts):
    """The path of a file under tests/data/."""
    return DATA.joinpath(*parts)


def blns_lines():
    """The Big List of Naughty Strings, without its comment lines."""
    text = data_file("blns", "blns.txt").read_text(encoding="utf-8")
    return [line for line in text.splitlines() if line and not line.startswith("#")]
