"""A blog post written after an event, as a note of it: a page saved from the browser
(`post.html` with its `post_files` folder, or a .zip of both) or a Markdown file with
local images.

readability-lxml finds the article in a saved page (leaving out navigation, share
buttons and comments) and markdownify turns its HTML into Markdown: headings, lists,
links, quotes and emphasis. Each image the article shows that is in the saved files
becomes a photo of the event through the photo pipeline (re-encoded, EXIF and GPS
stripped, thumbnails made; alt text from the image's `alt` or caption), and the note
shows it in place. The note is sanitised when shown, like every note.
"""

import datetime
import re
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

from bs4 import BeautifulSoup
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from markdownify import markdownify
from readability import Document

from confjournal.core.text import nfc
from events import photos
from events.models import Photo
from events.photo_forms import local_time
from talks.models import Note

MAX_BYTES = 50 * 1024 * 1024
MAX_IMAGES = 100
# Where saved pages keep an image's address when they load it late (Naver, Tistory).
IMAGE_SOURCES = ("src", "data-src", "data-lazy-src", "data-original")
MARKDOWN_IMAGE = re.compile(r"!\[([^\]]*)\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
DATE_META = ("article:published_time", "og:article:published_time", "datePublished", "date")


class PostError(Exception):
    """A post that cannot be imported: one line saying why."""


@dataclass
class Post:
    title: str
    markdown: str  # images as placeholders: ![alt](cj-image:N)
    published: datetime.datetime | None = None
    images: list = field(default_factory=list)  # (alt, bytes) by placeholder number
    missing: list = field(default_factory=list)  # image addresses not in the saved files


def read_post(path, images=None):
    """A `Post` from a saved page, a .zip of one, or a Markdown file."""
    path = Path(path)
    if path.stat().st_size > MAX_BYTES:
        raise PostError(_("The file is over 50 MB."))
    if path.suffix.lower() == ".zip":
        return _read_zip(path)
    if path.suffix.lower() in (".md", ".markdown", ".txt"):
        return _read_markdown(path, images)
    if path.suffix.lower() in (".html", ".htm"):
        return _read_html(path, images)
    raise PostError(_("Give a saved page (.html), a .zip of it with its files, or a .md file."))


def _read_zip(path):
    with tempfile.TemporaryDirectory() as folder:
        try:
            with zipfile.ZipFile(path) as archive:
                members = archive.infolist()
                if sum(m.file_size for m in members) > MAX_BYTES or len(members) > 2000:
                    raise PostError(_("The zip holds more than a saved post."))
                for member in members:
                    target = (Path(folder) / member.filename).resolve()
                    if not target.is_relative_to(Path(folder).resolve()):
                        raise PostError(_("The zip names a file outside itself; refused."))
                archive.extractall(folder)
        except zipfile.BadZipFile:
            raise PostError(_("The file is not a zip archive that reads.")) from None
        pages = sorted(Path(folder).rglob("*.htm*")) or sorted(Path(folder).rglob("*.md"))
        if not pages:
            raise PostError(_("The zip holds no saved page (.html) or Markdown file."))
        return read_post(pages[0])


def _image_bytes(address, base, images):
    """The bytes of an image the post shows, when it is in the saved files."""
    parts = urlsplit(address)
    if parts.scheme not in ("", "file"):
        name = Path(unquote(parts.path)).name
        candidates = [images / name] if images else []
    else:
        relative = unquote(parts.path)
        candidates = [base / relative]
        if images:
            candidates.append(images / Path(relative).name)
    for candidate in candidates:
        try:
            resolved = candidate.resolve()
            folders = [base.resolve(), *([images.resolve()] if images else [])]
            if resolved.is_file() and any(resolved.is_relative_to(f) for f in folders):
                return resolved.read_bytes()
        except (OSError, ValueError):
            continue
    return None


def _read_html(path, images):
    raw = path.read_bytes()
    page = BeautifulSoup(raw, "html.parser")
    try:
        document = Document(raw)
        summary = BeautifulSoup(document.summary(html_partial=True), "html.parser")
        title = nfc(document.short_title() or "").strip()
    except Exception as error:  # readability raises its own errors and lxml's alike
        raise PostError(
            _("No article could be read in the page (%(error)s).") % {"error": type(error).__name__}
        ) from None
    og_title = page.find("meta", attrs={"property": "og:title"})
    if og_title and og_title.get("content"):
        title = nfc(og_title["content"]).strip()
    article = _article(page, summary)
    if article is None:
        raise PostError(_("No article could be read in the page."))
    for noise in article.find_all(["script", "style", "noscript", "button", "form", "iframe"]):
        noise.decompose()
    post = Post(title=title or path.stem, markdown="", published=_published(page))
    for image in article.find_all("img"):
        addresses = [image.get(name) for name in IMAGE_SOURCES if image.get(name)]
        found = (_image_bytes(address, path.parent, images) for address in addresses)
        data = next((data for data in found if data is not None), None)
        if data is None or len(post.images) >= MAX_IMAGES:
            post.missing += addresses[:1]
            image.decompose()
            continue
        alt = nfc(image.get("alt") or _caption(image)).strip()
        post.images.append((alt, data))
        image.attrs = {"src": f"cj-image:{len(post.images) - 1}", "alt": alt}
    text = nfc(markdownify(str(article), heading_style="ATX", bullets="-"))
    text = re.sub(r"\n{3,}", "\n\n", text).strip()
    # A heading that repeats the title (Brunch prints it over the article) is the title.
    text = re.sub(rf"^#+\s*{re.escape(post.title)}\s*\n+", "", text)
    post.markdown = text
    return post


def _article(page, summary):
    """The part of the saved page that holds the article readability found: the
    smallest element holding all its paragraphs. Converting that part of the page
    itself (not readability's rewrite, which drops image-only blocks) keeps the
    images where the post shows them."""
    texts = [
        " ".join(block.get_text(" ").split())
        for block in summary.find_all(["p", "li", "h1", "h2", "h3", "h4", "blockquote"])
    ]
    texts = [text for text in texts if len(text) >= 10]
    if not texts:
        return None
    holders = []
    for text in texts:
        for element in page.find_all(["p", "li", "h1", "h2", "h3", "h4", "blockquote", "div"]):
            if " ".join(element.get_text(" ").split()) == text:
                holders.append(element)
                break
    if not holders:
        return None
    common = holders[0]
    while common is not None and not all(
        holder is common or common in holder.parents for holder in holders
    ):
        common = common.parent
    return common


def _caption(image):
    """The caption a platform writes beside an image: a figcaption, or Naver's se-caption."""
    figure = image.find_parent("figure")
    caption = figure.find("figcaption") if figure else None
    if caption is None:
        block = image.find_parent(class_=re.compile(r"se-component|imageblock"))
        caption = block.find(class_=re.compile(r"caption")) if block else None
    return caption.get_text(" ", strip=True) if caption else ""


def _published(page):
    """When the page says the post was published, if it says so."""
    candidates = [
        meta.get("content")
        for meta in page.find_all("meta")
        if meta.get("property") in DATE_META or meta.get("name") in DATE_META
    ]
    candidates += [time.get("datetime") for time in page.find_all("time")]
    for value in candidates:
        try:
            when = datetime.datetime.fromisoformat(str(value or "").strip().replace("Z", "+00:00"))
        except ValueError:
            continue
        return when
    # Korean blogs often write it out: "2023. 7. 13. 14:20".
    match = re.search(
        r"(20\d\d)\.\s*(\d{1,2})\.\s*(\d{1,2})\.?\s*(\d{1,2}):(\d\d)", page.get_text(" ")
    )
    if match:
        return datetime.datetime(*map(int, match.groups()))
    return None


def _read_markdown(path, images):
    try:
        text = nfc(path.read_text(encoding="utf-8-sig"))
    except UnicodeDecodeError:
        raise PostError(_("The Markdown file is not UTF-8 text.")) from None
    title = path.stem
    heading = re.match(r"\s*#\s+(.+)\n", text)
    if heading:
        title, text = heading.group(1).strip(), text[heading.end() :]
    post = Post(title=title, markdown="")

    def image(match):
        data = _image_bytes(match.group(2), path.parent, images)
        if data is None or len(post.images) >= MAX_IMAGES:
            post.missing.append(match.group(2))
            return match.group(0) if urlsplit(match.group(2)).scheme in ("http", "https") else ""
        post.images.append((match.group(1).strip(), data))
        return f"![{match.group(1)}](cj-image:{len(post.images) - 1})"

    post.markdown = MARKDOWN_IMAGE.sub(image, text).strip()
    if not post.markdown:
        raise PostError(_("The Markdown file is empty."))
    return post


def import_post(event, post, owner, visibility):
    """The note (and photos) of `post` at `event`, in one transaction; a PostError, and
    nothing written, when an image is no image."""
    with transaction.atomic():
        urls = []
        for index, (alt, data) in enumerate(post.images):
            try:
                processed = photos.process(data)
            except photos.PhotoError as error:
                raise PostError(
                    _("Image %(n)d of the post: %(error)s") % {"n": index + 1, "error": error}
                ) from None
            photo = Photo(
                event=event,
                owner=owner,
                visibility=visibility,
                alt_text=alt[: Photo._meta.get_field("alt_text").max_length],
                taken_at=local_time(processed.taken_at, event),
            )
            photos.store(photo, processed)
            urls.append(photo.url)
        body = re.sub(r"cj-image:(\d+)", lambda match: urls[int(match.group(1))], post.markdown)
        note = Note.objects.create(
            event=event,
            owner=owner,
            title=post.title[: Note._meta.get_field("title").max_length],
            body=body,
            visibility=visibility,
        )
        if post.published is not None:
            when = post.published
            if timezone.is_naive(when):
                when = timezone.make_aware(when, timezone.get_default_timezone())
            Note.objects.filter(pk=note.pk).update(created_at=when)
            note.refresh_from_db()
    return note
