"""Files from ../shared/data, the real files other programs made (never edited)."""

from pathlib import Path

from tests.conftest import require_or_skip

SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"


def shared_file(*parts):
    """The path of a shared data file; a skip (a failure in CI) when it is missing."""
    path = SHARED_DATA.joinpath(*parts)
    if not path.exists():
        require_or_skip(f"{path} is missing (the repository's parent folder holds shared/)")
    return path


def blns_lines():
    """The Big List of Naughty Strings, without its comment lines."""
    text = shared_file("blns", "blns.txt").read_text(encoding="utf-8")
    return [line for line in text.splitlines() if line and not line.startswith("#")]
