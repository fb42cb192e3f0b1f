"""One gate: public output reaches journal records only through `visible_to(user)`.

These tests read the source, not the pages: every module under confjournal/,
events/ and talks/ that could build public output (views, feeds, sitemaps,
search, template tags, forms, model helpers; any new module too) is parsed,
and each way around the gate is reported with its file and line:

- `Model.objects`, `_default_manager` or `_base_manager` of a journal model
  not followed by `.visible_to(`;
- a reverse relation (`event.notes`, `speaker.talks`, `event.children`, …)
  not followed by `.visible_to(`;
- `prefetch_related("notes")` or `Prefetch("notes")` without a queryset;
- `get_object_or_404(Note, …)`, and `model = Note` on a view class;
- in templates, `something.notes`, `.talks`, `.children`, … .

What is exempt is listed below with the reason, and kept small: an entry that
no longer matches anything fails too, so the list cannot go stale.
"""

import ast
import fnmatch
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ["confjournal", "events", "talks"]

# Modules that never build public output. The admin is staff-only and
# tested as a second staff user in tests/test_admin_ownership.py.
EXEMPT_MODULES = [
    "*/migrations/*",
    "*/admin.py",
    "confjournal/core/admin_*.py",
    "*/management/commands/*",
    "confjournal/exchange/demo.py",
    "confjournal/settings.py",
    # Write paths of commands and the admin: importing a programme, papers or a post
    # into an event, and the whole-journal backup archive.
    "confjournal/exchange/programme.py",
    "confjournal/exchange/papers.py",
    "confjournal/exchange/posts.py",
    "confjournal/exchange/archive.py",
    # Writes a synthetic journal for the benchmarks; shows nothing.
    "bench/generate.py",
]

GATED_MODELS = {"Event", "Talk", "Paper", "Booth", "Note", "Photo", "Speaker", "Tag"}
MANAGERS = {"objects", "_default_manager", "_base_manager"}
# Reverse relations that lead from one record to others with their own visibility.
RELATIONS = {"talks", "papers", "booths", "notes", "photos", "children", "events", "items"}

# (module, expression) -> why this one is not public output or is already narrowed.
ALLOWED = {
    ("events/models.py", "Event.objects.all"): "Event.clean: slugs unique over every event",
    ("events/models.py", "self.children.exists"): "Event.clean: nesting rule, not output",
    ("events/models.py", "Event.objects.filter"): (
        "family_records: ids of an event and its days, inside related.objects.visible_to(user)"
    ),
    ("events/photo_forms.py", "model = Photo"): "the admin's photo entry form, not a view",
    ("events/slugs.py", "Event.objects.filter"): (
        "whether any event holds an old slug now, to not redirect; nothing of it is shown"
    ),
    ("talks/models.py", "Speaker.objects.all"): "Speaker.clean: slugs unique over every speaker",
    ("talks/models.py", "Speaker.objects.order_by"): (
        "with_speakers: the speakers of talks already read through visible_to, which is what"
        " makes a speaker visible"
    ),
    ("talks/models.py", "Tag.objects.annotate"): (
        "visible_topics: counts only tagged items of visible_to records"
    ),
    ("events/views.py", "Tag.objects.filter"): (
        "timeline topic choices: tags of events in Event.objects.visible_to(user)"
    ),
    ("confjournal/search/results.py", "speaker.talks.all"): (
        "narrows an already visible_to queryset to records about the speaker's talks"
    ),
    ("confjournal/search/engine.py", "model.objects.order_by"): (
        "mentioning: ids of records holding a phrase, used only as pk__in of a gated queryset"
    ),
    ("confjournal/search/results.py", "model.objects.order_by"): (
        "about_speaker/about_topic: ids used only as pk__in of a visible_to queryset"
    ),
    ("confjournal/topics/views.py", "get_object_or_404(Tag"): (
        "the topic page: a 404 unless topic_usage(user) counts a visible_to record under it"
    ),
    ("confjournal/search/results.py", "Tag.objects.filter"): (
        "named: topics by name; records found through one pass visible_to, and the "
        "Topics group shows only those listed_topics(user) has"
    ),
    ("confjournal/topics/views.py", "Tag.objects.filter"): (
        "the topic list: only the ids listed_topics(user) gave, kept under the journal version"
    ),
}


def checked_modules():
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            relative = path.relative_to(ROOT).as_posix()
            if not any(fnmatch.fnmatch(relative, pattern) for pattern in EXEMPT_MODULES):
                yield relative, path


def with_parents(tree):
    for node in ast.walk(tree):
        for child in ast.iter_child_nodes(node):
            child.parent = node
    return tree


def is_visible_to_call(node):
    """`node` is immediately followed by `.visible_to(`."""
    parent = getattr(node, "parent", None)
    return (
        isinstance(parent, ast.Attribute)
        and parent.attr == "visible_to"
        and isinstance(getattr(parent, "parent", None), ast.Call)
        and parent.parent.func is parent
    )


def gated_base(node):
    """Whether `<node>.objects` may be a journal model's manager.

    A capitalised name is a class: gated when it is one of the journal's models
    (TalkSpeaker, TaggedItem, ContentType are not). Anything else, a variable
    or an expression (`model.objects`, `self.model._default_manager`), may hold
    a journal model and must go through `visible_to` too.
    """
    if isinstance(node, ast.Name) and node.id[:1].isupper():
        return node.id in GATED_MODELS
    return True


def expression(node):
    """The offending expression as written, one attribute past the manager or relation."""
    parent = getattr(node, "parent", None)
    if isinstance(parent, ast.Attribute):
        return ast.unparse(parent)
    return ast.unparse(node)


def string_lookups(call):
    for arg in call.args:
        if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
            yield arg.value


def call_name(call):
    func = call.func
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return ""


def bypasses(tree):
    """(line, expression) for every way around `visible_to` in one module."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr in MANAGERS:
            if gated_base(node.value) and not is_visible_to_call(node):
                yield node.lineno, expression(node)
        elif isinstance(node, ast.Attribute) and node.attr in RELATIONS:
            called = isinstance(getattr(node, "parent", None), ast.Call) and (
                node.parent.func is node
            )
            # `mapping.items()` is a method, not the relation `tag.items`.
            if not called and not is_visible_to_call(node):
                yield node.lineno, expression(node)
        elif isinstance(node, ast.Call):
            name = call_name(node)
            if name in ("get_object_or_404", "get_list_or_404") and node.args:
                first = node.args[0]
                if isinstance(first, ast.Name) and first.id in GATED_MODELS:
                    yield node.lineno, ast.unparse(node.func) + "(" + first.id
            if name == "prefetch_related":
                for lookup in string_lookups(node):
                    if lookup.split("__")[0] in RELATIONS:
                        yield node.lineno, f"prefetch_related({lookup!r})"
            if name == "Prefetch":
                lookups = list(string_lookups(node))
                has_queryset = len(node.args) > 1 or any(
                    keyword.arg == "queryset" for keyword in node.keywords
                )
                if lookups and lookups[0].split("__")[0] in RELATIONS and not has_queryset:
                    yield node.lineno, f"Prefetch({lookups[0]!r})"
        elif isinstance(node, ast.ClassDef):
            for statement in node.body:
                if (
                    isinstance(statement, ast.Assign)
                    and any(
                        isinstance(target, ast.Name) and target.id == "model"
                        for target in statement.targets
                    )
                    and isinstance(statement.value, ast.Name)
                    and statement.value.id in GATED_MODELS
                ):
                    yield statement.lineno, f"model = {statement.value.id}"


def find_bypasses(source):
    return sorted(bypasses(with_parents(ast.parse(source))))


def test_gate_finds_every_kind_of_bypass():
    source = """
from django.shortcuts import get_object_or_404
from django.views.generic import DetailView

class NoteFeed(DetailView):
    model = Note

def items(user, event, speaker, model):
    Note.objects.filter(visibility="public")
    Event.objects.visible_to(user).filter(pk=1)
    model.objects.all()
    Speaker._default_manager.all()
    event.notes.all()
    event.notes.visible_to(user)
    speaker.talks.count()
    Event.objects.prefetch_related("notes", "tags")
    Prefetch("children")
    Prefetch("children", queryset=Event.objects.visible_to(user))
    get_object_or_404(Talk, pk=1)
    TalkSpeaker.objects.all()
    tag.items.filter(object_id=1)
    {}.items()
"""
    assert [text for _line, text in find_bypasses(source)] == [
        "model = Note",
        "Note.objects.filter",
        "model.objects.all",
        "Speaker._default_manager.all",
        "event.notes.all",
        "speaker.talks.count",
        "Event.objects.prefetch_related",
        'prefetch_related("notes")'.replace('"', "'"),
        "Prefetch('children')",
        "get_object_or_404(Talk",
        "tag.items.filter",
    ]


def test_public_code_reaches_records_only_through_visible_to():
    found, used = [], set()
    for relative, path in checked_modules():
        for line, text in find_bypasses(path.read_text(encoding="utf-8")):
            if (relative, text) in ALLOWED:
                used.add((relative, text))
            else:
                found.append(f"{relative}:{line}: {text}")
    assert found == [], "public code around visible_to(user):\n" + "\n".join(found)
    assert sorted(set(ALLOWED) - used) == [], "allow-list entries that match nothing"


def test_gate_covers_every_public_module():
    modules = {relative for relative, _path in checked_modules()}
    for expected in ("events/views.py", "talks/views.py", "confjournal/core/listing.py"):
        assert expected in modules
    assert not any(module.endswith("admin.py") for module in modules)
    # Whatever is added later (feeds, sitemaps, search) is checked unless exempted above.
    assert {"confjournal/search/results.py", "confjournal/search/engine.py"} <= modules


TEMPLATE_TAG = re.compile(r"{{.*?}}|{%.*?%}", re.DOTALL)
TEMPLATE_RELATION = re.compile(r"[\w\])]\s*\.(" + "|".join(sorted(RELATIONS)) + r")\b")


def test_templates_reach_no_related_records_by_themselves():
    found = []
    for path in sorted((ROOT / "templates").rglob("*.html")):
        text = path.read_text(encoding="utf-8")
        for tag in TEMPLATE_TAG.finditer(text):
            if TEMPLATE_RELATION.search(tag.group()):
                line = text.count("\n", 0, tag.start()) + 1
                found.append(f"{path.relative_to(ROOT)}:{line}: {tag.group()}")
    assert found == []


SAFE_MARKERS = re.compile(r"\|\s*safe(seq)?\b|{%\s*autoescape\s+off")


# The Markdown sanitizer, and the rows Jinja2 rendered with autoescape on.
MARKS_SAFE = {"confjournal/core/markup.py", "confjournal/core/lists.py"}


def test_only_the_markdown_sanitizer_and_the_jinja2_rows_mark_text_safe():
    found = []
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            relative = path.relative_to(ROOT).as_posix()
            if relative in MARKS_SAFE or "/migrations/" in relative:
                continue
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Name | ast.Attribute):
                    name = node.id if isinstance(node, ast.Name) else node.attr
                    if name in ("mark_safe", "SafeString", "SafeText", "Markup"):
                        found.append(f"{relative}:{node.lineno}: {name}")
    for path in sorted((ROOT / "templates").rglob("*.html")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if SAFE_MARKERS.search(line):
                found.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert found == []
