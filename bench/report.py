"""Shared by the benchmark commands: percentiles and docs/benchmarks.md sections."""

import re


def percentile(samples, p):
    """The nearest-rank percentile `p` (0-100) of `samples`."""
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def write_section(path, marker, body):
    """Replace (or append) the part of `path` between `<!-- marker -->` comments."""
    section = f"<!-- {marker} -->\n{body}\n<!-- /{marker} -->"
    text = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n"
    pattern = re.compile(rf"<!-- {re.escape(marker)} -->.*?<!-- /{re.escape(marker)} -->", re.S)
    if pattern.search(text):
        text = pattern.sub(lambda _match: section, text)
    else:
        text = text.rstrip() + "\n\n" + section
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text.rstrip() + "\n", encoding="utf-8")
