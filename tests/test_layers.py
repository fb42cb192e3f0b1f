"""Dependencies run one way (docs/architecture.md): a module may import its own layer
and the layers below it, never one above.

    project wiring   confjournal/{settings,urls,wsgi,apps,admin}.py, management commands
    features         confjournal/{search,stats,topics,syndication,exchange,entry,years}
    talks            Speaker, Talk, Paper, Note
    events           Event, Booth, Photo, Tag
    web              confjournal/web: request plumbing and the page cache
    core             confjournal/core and confjournal/templatetags: helpers both apps use

Every import counts, at the top of a module or inside a function. Migrations are left
out: they name the model fields they were made with.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FEATURES = ("search", "stats", "topics", "syndication", "exchange", "entry", "years")
LAYERS = ["core", "web", "events", "talks", "features", "wiring"]


def layer(module):
    """The layer of a dotted module name of the project, or None for anything else."""
    parts = module.split(".")
    if parts[0] in ("events", "talks"):
        return parts[0]
    if parts[0] != "confjournal":
        return None
    if len(parts) == 1:
        return "wiring"
    if parts[1] in ("core", "templatetags"):
        return "core"
    if parts[1] == "web":
        return "web"
    if parts[1] in FEATURES:
        return "features"
    return "wiring"


def module_name(path, root):
    return ".".join(path.relative_to(root).with_suffix("").parts).removesuffix(".__init__")


def imports(path):
    """(line, dotted name) of every project module `path` imports."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                yield node.lineno, f"{node.module}.{alias.name}"


def sources():
    for package in ("confjournal", "events", "talks"):
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path


def wrong_way(paths, root=ROOT):
    found = []
    for path in paths:
        own = layer(module_name(path, root))
        for line, name in imports(path):
            other = layer(name)
            if other and LAYERS.index(other) > LAYERS.index(own):
                found.append(f"{path.relative_to(root)}:{line} ({own}) imports {name} ({other})")
    return sorted(set(found))


def test_no_import_runs_the_wrong_way():
    assert wrong_way(sources()) == []


@pytest.mark.parametrize(
    ("where", "source"),
    [
        ("events/extra.py", "from talks.models import Talk\n"),
        ("events/extra.py", "def f():\n    import talks.views\n"),
        ("confjournal/core/extra.py", "from events.models import Event\n"),
        ("talks/extra.py", "from confjournal.search import engine\n"),
        ("confjournal/web/extra.py", "from confjournal import settings\n"),
    ],
)
def test_the_check_sees_an_import_the_wrong_way(tmp_path, where, source):
    path = tmp_path / where
    path.parent.mkdir(parents=True)
    path.write_text(source)
    assert len(wrong_way([path], root=tmp_path)) == 1
