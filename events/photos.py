"""The photo pipeline: every upload decoded, checked, cleaned and re-encoded.

Nothing here runs by itself in `Photo.save()`: the admin calls `read_upload`
and `process` while validating the form (so a bad file is a form error and
nothing is stored), then `store` to save the row and, once the transaction
commits, its files. `rebuild_thumbnails` uses `replace_thumbnails`.

What a stored photo is: the upload decoded by Pillow, turned upright by its
EXIF Orientation, converted to sRGB when it carries an ICC profile, and
encoded afresh (JPEG for photos, PNG for lossless input, WebP for lossy input
with transparency) without any EXIF, XMP or ICC data — so no GPS position,
camera serial number or original file name leaves the upload. Thumbnails are
WebP at fixed widths. Every name is random. All file access goes through the
storage API (`photo.image.storage`), never a filesystem path.
"""

import datetime
import io
import re
import secrets
import warnings
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import ExifTags, Image, ImageCms, ImageOps, UnidentifiedImageError

# Fixed widths: a phone grid picks 320, a phone's photo page 640 or 1280.
THUMBNAIL_WIDTHS = (320, 640, 1280)
ACCEPTED = {"JPEG", "PNG", "WEBP", "GIF"}
CONTENT_TYPES = {"jpg": "image/jpeg", "png": "image/png", "webp": "image/webp"}
JPEG_QUALITY = 85
THUMBNAIL_QUALITY = 70

# Markup a browser would run if it ever sniffed the file as HTML or SVG. It is
# looked for where it can matter, not in compressed pixel data (where such
# bytes turn up by chance): in the first SNIFF_BYTES, the most a browser reads
# to sniff a type, and in the image's text metadata (PNG text chunks, JPEG and
# GIF comments). XMP (`<x:xmpmeta`, `<rdf:RDF`) does not match.
MARKUP = re.compile(
    rb"<(?:!doctype\s+html|html|head|body|script|svg|iframe|object|embed)[\s>/]", re.IGNORECASE
)
SNIFF_BYTES = 1445
# ISO base media file brands of HEIC/HEIF/AVIF, at bytes 8-12 after "ftyp".
HEIF_BRANDS = {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1"}


class PhotoError(ValueError):
    """An upload that cannot become a photo; the message says why, for the form."""


@dataclass
class Rendition:
    width: int
    height: int
    data: bytes
    ext: str


@dataclass
class ProcessedPhoto:
    image: Rendition
    thumbnails: list[Rendition]
    # As the camera's clock said: aware when the EXIF names an offset, else naive.
    taken_at: datetime.datetime | None


def read_upload(upload):
    """The bytes of an uploaded file, refusing empty and oversized ones before reading."""
    size = upload.size
    if not size:
        raise PhotoError(_("The file is empty."))
    limit = settings.PHOTO_MAX_BYTES
    if size > limit:
        raise PhotoError(
            _("The file is %(size)s; photos may be at most %(limit)s.")
            % {"size": filesizeformat(size), "limit": filesizeformat(limit)}
        )
    upload.seek(0)
    return upload.read()


def process(data):
    """Decode, check, turn upright, strip and re-encode one image; make its thumbnails."""
    refuse_non_images(data)
    image, lossless = decode(data)
    refuse_markup_in_metadata(image)
    taken_at = read_taken_at(image)
    ImageOps.exif_transpose(image, in_place=True)
    image = to_srgb(image)
    image = output_mode(image, lossless)
    image.info = {}  # nothing from the upload is written back out
    if lossless:
        main = encode(image, "png")
    elif image.mode in ("RGBA", "LA"):
        main = encode(image, "webp", quality=JPEG_QUALITY)
    else:
        main = encode(image, "jpg")
    return ProcessedPhoto(image=main, thumbnails=make_thumbnails(image), taken_at=taken_at)


def refuse_non_images(data):
    if not data:
        raise PhotoError(_("The file is empty."))
    if data[4:8] == b"ftyp" and data[8:12] in HEIF_BRANDS:
        raise PhotoError(
            _(
                "HEIC photos cannot be read here. Export the photo as JPEG (on an iPhone: "
                "Settings > Camera > Formats > Most Compatible) and upload that."
            )
        )
    if MARKUP.search(data[:SNIFF_BYTES]):
        raise PhotoError(markup_refused())


def markup_refused():
    return _(
        "The file holds HTML or SVG markup, which can carry scripts: it is refused. "
        "Upload a JPEG, PNG, WebP or GIF image."
    )


def refuse_markup_in_metadata(image):
    """An image that decodes but carries a web page in a text chunk or comment (a polyglot)."""
    for value in image.info.values():
        if isinstance(value, str):
            value = value.encode("utf-8", "replace")
        if isinstance(value, bytes) and MARKUP.search(value):
            raise PhotoError(markup_refused())


def decode(data):
    """The fully decoded image and whether its format is lossless."""
    max_pixels = settings.PHOTO_MAX_PIXELS
    too_big = _("The image has more than %(n)d million pixels, the limit.") % {
        "n": max_pixels // 1_000_000
    }
    try:
        with warnings.catch_warnings():
            # Pillow warns between 1 and 2 x MAX_IMAGE_PIXELS and raises above:
            # here both are a refusal, before any pixel is decoded.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data), formats=sorted(ACCEPTED))
            if image.width * image.height > max_pixels:
                raise PhotoError(too_big)
            image.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise PhotoError(too_big) from error
    except UnidentifiedImageError as error:
        raise PhotoError(
            _("This is not an image ConfJournal can read: upload a JPEG, PNG, WebP or GIF.")
        ) from error
    except (OSError, SyntaxError, ValueError, EOFError, MemoryError) as error:
        raise PhotoError(
            _("The image is damaged or cut short (%(reason)s).") % {"reason": error}
        ) from error
    lossless = image.format in ("PNG", "GIF") or (image.format == "WEBP" and b"VP8L" in data[:4096])
    return image, lossless


EXIF_DATE = "%Y:%m:%d %H:%M:%S"


def read_taken_at(image):
    """When the photo was taken, from EXIF DateTimeOriginal (or DateTime), or None."""
    exif = image.getexif()
    details = exif.get_ifd(ExifTags.IFD.Exif)
    raw = (
        details.get(ExifTags.Base.DateTimeOriginal)
        or details.get(ExifTags.Base.DateTimeDigitized)
        or exif.get(ExifTags.Base.DateTime)
    )
    if not isinstance(raw, str):
        return None
    try:
        taken = datetime.datetime.strptime(raw.strip("\x00 ")[:19], EXIF_DATE)
    except ValueError:
        return None
    offset = details.get(ExifTags.Base.OffsetTimeOriginal)
    if isinstance(offset, str) and re.fullmatch(r"[+-]\d\d:\d\d", offset.strip("\x00 ")):
        sign = -1 if offset[0] == "-" else 1
        hours, minutes = int(offset[1:3]), int(offset[4:6])
        zone = datetime.timezone(sign * datetime.timedelta(hours=hours, minutes=minutes))
        taken = taken.replace(tzinfo=zone)
    return taken


_SRGB = None


def to_srgb(image):
    """Pixels converted to sRGB when the image carries another ICC profile.

    The profile itself is dropped with the rest of the metadata, so a Display
    P3 photo from a phone would otherwise look washed out.
    """
    global _SRGB
    icc = image.info.get("icc_profile")
    if not icc or image.mode not in ("RGB", "RGBA", "CMYK"):
        return image
    if _SRGB is None:
        _SRGB = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        if image.mode != "CMYK" and "sRGB" in ImageCms.getProfileDescription(source):
            return image  # already sRGB (most Android phones): nothing to convert
        mode = "RGBA" if image.mode == "RGBA" else "RGB"
        transform = ImageCms.buildTransform(source, _SRGB, image.mode, mode)
        if image.mode == mode:
            ImageCms.applyTransform(image, transform, inPlace=True)
            return image
        return ImageCms.applyTransform(image, transform)
    except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
        return image  # an unreadable profile: keep the pixels as they are


def output_mode(image, lossless):
    """The image in a mode its output format holds (L, RGB, or with alpha RGBA/LA)."""
    alpha = image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info
    if image.mode in ("L", "RGB") or (image.mode in ("RGBA", "LA") and alpha):
        return image
    if image.mode == "1" and lossless:
        return image.convert("L")
    return image.convert("RGBA" if alpha else "RGB")


def encode(image, ext, quality=JPEG_QUALITY, method=4):
    buffer = io.BytesIO()
    if ext == "jpg":
        image.save(buffer, "JPEG", quality=quality)
    elif ext == "png":
        image.save(buffer, "PNG")
    else:
        image.save(buffer, "WEBP", quality=quality, method=method)
    return Rendition(image.width, image.height, buffer.getvalue(), ext)


def make_thumbnails(image):
    """WebP copies at THUMBNAIL_WIDTHS narrower than the image (or one at its own width)."""
    widths = [w for w in THUMBNAIL_WIDTHS if w < image.width] or [image.width]
    if image.mode not in ("RGB", "RGBA"):
        image = image.convert("RGBA" if image.mode in ("LA", "PA") else "RGB")
    thumbnails, source = [], image
    # Widest first, each made from the one before: a few cheap halvings
    # instead of three passes over the full-size image.
    for width in sorted(widths, reverse=True):
        height = max(1, round(image.height * width / image.width))
        if (width, height) != source.size:
            # reducing_gap 1.1: from a 12 MP photo, a 2x box reduction first,
            # then Lanczos; half the time of Lanczos on every pixel.
            source = source.resize((width, height), Image.Resampling.LANCZOS, reducing_gap=1.1)
        # WebP method 2: a third of the time of the default 4, a few % larger.
        thumbnails.append(encode(source, "webp", quality=THUMBNAIL_QUALITY, method=2))
    return thumbnails[::-1]


def new_base_name():
    token = secrets.token_hex(16)
    return f"photos/{token[:2]}/{token}"


def thumbnail_entries(base, thumbnails):
    """(files to write, Photo.thumbnails entries); names change with every rebuild.

    Thumbnails are served with a year-long cache, so a new thumbnail must
    have a new address.
    """
    suffix = secrets.token_hex(4)
    files, entries = {}, []
    for thumb in thumbnails:
        name = f"{base}-{thumb.width}-{suffix}.{thumb.ext}"
        files[name] = thumb.data
        entries.append({"width": thumb.width, "height": thumb.height, "name": name})
    return files, entries


def store(photo, processed):
    """Save `photo` with the image `processed`, in one transaction.

    The row is saved first; the files are written only when the transaction
    commits, so a save that fails or rolls back leaves no file behind. A
    photo's former files (when its image is replaced) go after the new ones
    are written.
    """
    base = new_base_name()
    name = f"{base}.{processed.image.ext}"
    files, entries = thumbnail_entries(base, processed.thumbnails)
    files = {name: processed.image.data, **files}
    old = photo.file_names() if photo.pk else []
    photo.image.name = name
    photo.width, photo.height = processed.image.width, processed.image.height
    photo.thumbnails = entries
    with transaction.atomic():
        photo.save()
        storage = photo.image.storage
        transaction.on_commit(lambda: write_files(photo, storage, files, old))
    return photo


def write_files(photo, storage, files, old):
    """Write `files` (name → bytes); on failure remove them and the photo's row too."""
    written = []
    try:
        for name, data in files.items():
            saved = storage.save(name, ContentFile(data))
            written.append(saved)
            if saved != name:
                raise OSError(f"storage renamed {name} to {saved}")
    except Exception:
        for name in written:
            storage.delete(name)
        if not old:
            # A new photo without its files is useless: take the row back.
            photo.delete()
        raise
    for name in old:
        storage.delete(name)


def replace_thumbnails(photo):
    """Make the thumbnails of a stored photo again, from its stored image."""
    storage = photo.image.storage
    with storage.open(photo.image.name, "rb") as stored:
        image = Image.open(stored)
        image.load()
    image = output_mode(image, lossless=photo.image.name.endswith(".png"))
    base = photo.image.name.rsplit(".", 1)[0]
    files, entries = thumbnail_entries(base, make_thumbnails(image))
    old = [thumb["name"] for thumb in photo.thumbnails]
    photo.thumbnails = entries
    with transaction.atomic():
        photo.save(update_fields=["thumbnails"])
        transaction.on_commit(lambda: write_files(photo, storage, files, old))
    return photo


def content_type(name):
    return CONTENT_TYPES.get(name.rsplit(".", 1)[-1])
