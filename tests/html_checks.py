"""What a browser would run in a page: scripts, handlers, inline styles, script URLs.

`live_markup(html)` parses a page with the standard library's HTML parser
(which decodes entities in attribute values, as a browser does) and lists
everything that would execute or that the Content-Security-Policy forbids:

- a <script> without src (a JSON data block is not run and is allowed), or
  with a src on another site;
- an on* event handler attribute, a style= attribute or a <style> element;
- a javascript:, vbscript: or data: URL in any attribute that holds a URL;
- with `allowed_tags`, any element not in that set (an <svg>, <iframe>, …).
"""

import ast
import re
from html.parser import HTMLParser
from pathlib import Path

from confjournal.core.markup import ALLOWED_TAGS as MARKDOWN_TAGS

URL_ATTRIBUTES = {
    "action",
    "background",
    "cite",
    "data",
    "formaction",
    "href",
    "longdesc",
    "manifest",
    "ping",
    "poster",
    "src",
    "srcset",
    "xlink:href",
}
BAD_SCHEMES = {"javascript", "vbscript", "data"}

# The elements the site's own templates write; with the Markdown allow-list,
# all that a public page may contain.
TEMPLATES = Path(__file__).resolve().parents[1] / "templates"
TEMPLATE_TAGS = {
    match.group(1)
    for path in TEMPLATES.rglob("*.html")
    for match in re.finditer(r"<([a-z][a-z0-9]*)\b", path.read_text(encoding="utf-8"))
}


def _format_html_tags():
    """The elements written from Python: format strings of format_html(_join)."""
    tags = set()
    for app in ("confjournal", "events", "talks"):
        for path in (TEMPLATES.parent / app).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if not isinstance(node, ast.Call) or not node.args:
                    continue
                name = getattr(node.func, "id", getattr(node.func, "attr", ""))
                position = {"format_html": 0, "format_html_join": 1}.get(name)
                if position is None or len(node.args) <= position:
                    continue
                for part in ast.walk(node.args[position]):
                    if isinstance(part, ast.Constant) and isinstance(part.value, str):
                        tags.update(re.findall(r"<([a-z][a-z0-9]*)\b", part.value))
    return tags


PUBLIC_PAGE_TAGS = TEMPLATE_TAGS | _format_html_tags() | MARKDOWN_TAGS


C0_AND_SPACE = "".join(chr(n) for n in range(0x21))
SCHEME = re.compile(r"([a-zA-Z][a-zA-Z0-9+.-]*):")


def scheme_of(url):
    """The URL's scheme as a browser parses it (WHATWG URL), lowercased, or "".

    Leading and trailing control characters and spaces are dropped and tabs
    and newlines removed anywhere, so "\tjava\nscript:" is javascript:.
    Other control characters make no scheme: "java\x01script:" is a path.
    """
    cleaned = re.sub(r"[\t\n\r]", "", url.strip(C0_AND_SPACE))
    match = SCHEME.match(cleaned)
    return match.group(1).lower() if match else ""


class _Collector(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.elements = []

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, attrs))

    def handle_startendtag(self, tag, attrs):
        self.elements.append((tag, attrs))


def same_origin(url):
    return url.startswith("/") and not url.startswith("//") and "\\" not in url


def live_markup(html, allowed_tags=None):
    """The problems found in `html`, as readable strings (empty when clean)."""
    collector = _Collector()
    collector.feed(html)
    collector.close()
    problems = []
    for tag, attrs in collector.elements:
        values = dict(attrs)
        if allowed_tags is not None and tag not in allowed_tags:
            problems.append(f"<{tag}> element")
        if tag == "script":
            src = values.get("src")
            if src is None and values.get("type") != "application/json":
                problems.append("inline <script>")
            elif src is not None and not same_origin(src):
                problems.append(f"<script src={src!r}>")
        if tag == "style":
            problems.append("<style> element")
        for name, value in attrs:
            if name.startswith("on"):
                problems.append(f"<{tag} {name}=…> handler")
            if name == "style":
                problems.append(f"<{tag} style=…> attribute")
            if name in URL_ATTRIBUTES and value:
                urls = [part.strip().split(" ")[0] for part in value.split(",")]
                urls = urls if name == "srcset" else [value]
                for url in urls:
                    if scheme_of(url) in BAD_SCHEMES:
                        problems.append(f"<{tag} {name}={url!r}>")
    return problems
