"""Benchmark the photo pipeline and the image weight of an event page on a phone.

1. A 12-megapixel phone-like JPEG (4000 x 3000, Orientation 6, GPS, an ICC
   profile) through `photos.process` (decode, turn upright, convert to sRGB,
   strip, re-encode, thumbnails): median time over several runs, and the peak
   memory of one run in a fresh process (peak RSS minus RSS before it).
2. An event page with 50 photos, fetched with Django's test client: for a
   phone 390 CSS px wide at DPR 2 and 3, the image candidate a browser takes
   from each `srcset` for its `sizes`, and the bytes of those files, fetched
   through the file view.

Part 2 creates a temporary user, event and 50 photos in the configured
database, with files in Django's InMemoryStorage, and deletes them at the
end. Run it against a scratch database, e.g. with CONFJOURNAL_DATA_DIR set
to an empty directory: `manage.py migrate`, then `manage.py bench_photos`.
"""

import io
import json
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from html.parser import HTMLParser
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.test import Client, override_settings
from PIL import ExifTags, Image, ImageCms, ImageOps

from events import photos
from events.models import Event, Photo

PHONE_WIDTH = 390  # CSS px, an iPhone 12-15
ROOT_FONT_PX = 16


def photo_like(width, height, seed=0):
    """A synthetic photo: soft shapes, mid-size texture and sensor grain.

    Pure noise compresses far worse than a photo and a flat gradient far
    better; this mix lands between, near a real phone photo's JPEG size.
    """
    shapes = Image.effect_noise((width // 40 + seed, height // 40), 80)
    shapes = shapes.convert("RGB").resize((width, height), Image.Resampling.BICUBIC)
    texture = Image.effect_noise((width // 8, height // 8), 40).convert("RGB")
    texture = texture.resize((width, height), Image.Resampling.BICUBIC)
    grain = Image.effect_noise((width, height), 12).convert("RGB")
    return Image.blend(Image.blend(shapes, texture, 0.35), grain, 0.15)


def phone_jpeg(width=4000, height=3000):
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6
    exif.get_ifd(ExifTags.IFD.Exif)[ExifTags.Base.DateTimeOriginal] = "2023:11:08 14:05:09"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (37.0, 30.0, 36.0)
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    buffer = io.BytesIO()
    photo_like(width, height).save(buffer, "JPEG", quality=90, exif=exif, icc_profile=icc)
    return buffer.getvalue()


# Peak memory from /proc (VmHWM, kB): ru_maxrss would carry over the
# benchmark's own peak through fork and exec on Linux.
MEMORY_PROBE = """
import sys, django, os
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "confjournal.settings")
django.setup()
from events import photos
def peak():
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
data = open(sys.argv[1], "rb").read()
before = peak()
photos.process(data)
print(before, peak())
"""


def stages(data):
    """CPU seconds of each step of `photos.process`, for one run."""
    timings, clock = {}, time.process_time()

    def lap(name):
        nonlocal clock
        now = time.process_time()
        timings[name] = round(now - clock, 3)
        clock = now

    photos.refuse_non_images(data)
    image, lossless = photos.decode(data)
    lap("decode")
    photos.read_taken_at(image)
    ImageOps.exif_transpose(image, in_place=True)
    lap("transpose")
    image = photos.output_mode(photos.to_srgb(image), lossless)
    lap("to_srgb")
    # What a photo with another profile (an iPhone's Display P3) adds: the
    # same transform with its sRGB shortcut taken away. LittleCMS spends the
    # same time on any RGB matrix profile.
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))
    clock = time.process_time()
    ImageCms.profileToProfile(image, srgb, srgb, outputMode="RGB")
    timings["icc_conversion_when_not_srgb"] = round(time.process_time() - clock, 3)
    clock = time.process_time()
    image.info = {}
    photos.encode(image, "jpg")
    lap("encode_jpeg")
    photos.make_thumbnails(image)
    lap("thumbnails")
    return timings


class Images(HTMLParser):
    """Every <img>'s attributes in a page."""

    def __init__(self):
        super().__init__()
        self.images = []

    def handle_starttag(self, tag, attrs):
        if tag == "img":
            self.images.append(dict(attrs))


def length_px(value, viewport):
    number, unit = re.fullmatch(r"([\d.]+)(px|rem|em|vw)", value.strip()).groups()
    factor = {"px": 1, "rem": ROOT_FONT_PX, "em": ROOT_FONT_PX, "vw": viewport / 100}[unit]
    return float(number) * factor


def slot_width(sizes, viewport):
    """The CSS width a `sizes` attribute gives for a viewport (max-width conditions only)."""
    for entry in sizes.split(","):
        entry = entry.strip()
        match = re.fullmatch(r"\(max-width:\s*([\d.]+\w+)\)\s+(\S+)", entry)
        if match is None:
            return length_px(entry, viewport)
        if viewport <= length_px(match.group(1), viewport):
            return length_px(match.group(2), viewport)
    raise ValueError(sizes)


def pick(srcset, needed):
    """The candidate a browser takes: the narrowest at least `needed` px wide, else the widest."""
    candidates = []
    for item in srcset.split(","):
        url, width = item.split()
        candidates.append((int(width.rstrip("w")), url))
    candidates.sort()
    return next((url for width, url in candidates if width >= needed), candidates[-1][1])


class Command(BaseCommand):
    help = "Time and memory of the photo pipeline; image bytes of an event page on a phone."

    def add_arguments(self, parser):
        parser.add_argument("--runs", type=int, default=5)
        parser.add_argument("--photos", type=int, default=50)
        parser.add_argument("--output", help="also write the figures to this JSON file")

    def handle(self, *args, runs, photos, output=None, **options):
        results = {"pipeline": self.pipeline(runs), "page": self.page(photos)}
        self.stdout.write(json.dumps(results, indent=2, sort_keys=True))
        if output:
            Path(output).write_text(json.dumps(results, indent=2, sort_keys=True) + "\n")

    def pipeline(self, runs):
        data = phone_jpeg()
        photos.process(data)  # warm up (imports, ICC profile)
        seconds, cpu = [], []
        for _ in range(runs):
            start, start_cpu = time.perf_counter(), time.process_time()
            processed = photos.process(data)
            seconds.append(time.perf_counter() - start)
            cpu.append(time.process_time() - start_cpu)
        with tempfile.NamedTemporaryFile(suffix=".jpg") as source:
            source.write(data)
            source.flush()
            probe = subprocess.run(  # noqa: S603 - our own interpreter and code
                [sys.executable, "-c", MEMORY_PROBE, source.name],
                capture_output=True,
                text=True,
                check=True,
            )
        before_kb, after_kb = map(int, probe.stdout.split())
        return {
            "input": {"pixels": "4000x3000", "bytes": len(data)},
            "seconds_median": round(statistics.median(seconds), 3),
            "seconds_all": [round(s, 3) for s in seconds],
            "cpu_seconds_median": round(statistics.median(cpu), 3),
            "cpu_seconds_by_stage": stages(data),
            "peak_rss_mb": round(after_kb / 1024, 1),
            "peak_rss_increase_mb": round((after_kb - before_kb) / 1024, 1),
            "output": {
                "image": f"{processed.image.width}x{processed.image.height}",
                "image_bytes": len(processed.image.data),
                "thumbnails": {t.width: len(t.data) for t in processed.thumbnails},
            },
            "own_process_peak_rss_mb": round(
                resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1
            ),
        }

    @override_settings(
        STORAGES={
            "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        },
        ALLOWED_HOSTS=["testserver"],
    )
    def page(self, count):
        owner = get_user_model().objects.create(username="photo-benchmark-temporary")
        event = Event.objects.create(
            name="Photo benchmark (temporary)",
            slug="photo-benchmark-temporary",
            start_date="2023-11-08",
            end_date="2023-11-08",
            owner=owner,
        )
        try:
            for n in range(count):
                # Landscape and portrait, as phones take them.
                size = (2000, 1500) if n % 4 else (1500, 2000)
                buffer = io.BytesIO()
                photo_like(*size, seed=n).save(buffer, "JPEG", quality=90)
                photo = Photo(event=event, owner=owner, alt_text=f"Photo {n}", visibility="public")
                photos.store(photo, photos.process(buffer.getvalue()))
            return self.weigh(f"/events/{event.slug}/", count)
        finally:
            event.delete()
            owner.delete()

    def weigh(self, url, count):
        client = Client()
        response = client.get(url)
        assert response.status_code == 200, response.status_code
        parser = Images()
        parser.feed(response.content.decode())
        images = [img for img in parser.images if img.get("srcset")]
        assert len(images) == count, (len(images), count)
        figures = {"photos": count, "html_bytes": len(response.content)}
        for dpr in (2, 3):
            total, chosen = 0, {}
            for img in images:
                needed = slot_width(img["sizes"], PHONE_WIDTH) * dpr
                file_url = pick(img["srcset"], needed)
                total += len(client.get(file_url).content)
                width = re.search(r"-(\d+)-[0-9a-f]+\.webp$", file_url)
                key = width.group(1) if width else "full"
                chosen[key] = chosen.get(key, 0) + 1
            figures[f"dpr{dpr}"] = {"image_bytes": total, "candidates": chosen}
        return figures
