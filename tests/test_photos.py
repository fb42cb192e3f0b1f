"""Photos: uploads cleaned of their metadata, bad files refused, private ones kept private.

Files go to Django's InMemoryStorage (configured through STORAGES, as a
deployment would configure object storage), except in the one test that
checks the default FileSystemStorage under MEDIA_ROOT.
"""

import datetime
import io
import re
import struct
import zlib
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import InMemoryStorage, default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import IntegrityError, transaction
from PIL import ExifTags, Image, ImageCms, PngImagePlugin

from events import photos
from events.models import Event, Photo
from tests import factories as make
from tests.html_checks import live_markup

pytestmark = pytest.mark.django_db

IN_MEMORY = {"BACKEND": "django.core.files.storage.InMemoryStorage"}


@pytest.fixture(autouse=True)
def memory_storage(settings):
    settings.STORAGES = {**settings.STORAGES, "default": IN_MEMORY}
    return default_storage


def read(name):
    with default_storage.open(name, "rb") as handle:
        return handle.read()


def stored_files(storage=None):
    """Every file name in the storage, recursively."""
    storage = storage or default_storage

    def walk(path):
        if not storage.exists(path or "."):
            return
        directories, files = storage.listdir(path)
        for name in files:
            yield f"{path}/{name}" if path else name
        for directory in directories:
            yield from walk(f"{path}/{directory}" if path else directory)

    return sorted(walk(""))


# -- images built for the tests ------------------------------------------------


def noise_image(size=(1600, 1200), mode="RGB"):
    return Image.effect_noise(size, 40).convert(mode)


def jpeg_bytes(image=None, **save):
    buffer = io.BytesIO()
    (image or noise_image()).save(buffer, "JPEG", quality=80, **save)
    return buffer.getvalue()


def png_bytes(image=None, **save):
    buffer = io.BytesIO()
    (image or noise_image((400, 300))).save(buffer, "PNG", **save)
    return buffer.getvalue()


def phone_jpeg():
    """A landscape 60x40 JPEG, red on its left half, that says: rotate me (Orientation 6),
    taken in Seoul on 8 November 2023, and where (GPS)."""
    image = Image.new("RGB", (60, 40), "white")
    image.paste((255, 0, 0), (0, 0, 30, 40))
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6
    exif[ExifTags.Base.Make] = "ZQXCamera"
    exif[ExifTags.Base.BodySerialNumber] = "SERIAL-12345"
    details = exif.get_ifd(ExifTags.IFD.Exif)
    details[ExifTags.Base.DateTimeOriginal] = "2023:11:08 14:05:09"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (37.0, 30.0, 36.0)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (127.0, 2.0, 24.0)
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    return jpeg_bytes(image, exif=exif, icc_profile=icc)


def png_claiming(width, height):
    """A tiny PNG whose header claims width x height pixels (a decompression bomb)."""

    def chunk(kind, data):
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00" * 64)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def html_png_polyglot():
    """A PNG that decodes fine and holds an HTML page with a script in a text chunk."""
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "<html><body><script>alert(document.cookie)</script></body></html>")
    return png_bytes(noise_image((64, 64)), pnginfo=info)


# -- the pipeline --------------------------------------------------------------


def make_photo(event, owner=None, alt_text="A photo", visibility="private", size=(400, 300)):
    """A stored photo (its files are written when the caller's transaction commits)."""
    processed = photos.process(jpeg_bytes(noise_image(size)))
    photo = Photo(event=event, owner=owner or event.owner, alt_text=alt_text, visibility=visibility)
    return photos.store(photo, processed)


def store_photo(event, data, **fields):
    processed = photos.process(data)
    photo = Photo(event=event, owner=fields.pop("owner", event.owner), alt_text="A photo", **fields)
    return photos.store(photo, processed)


def test_phone_photo_is_stored_upright_without_any_exif(
    admin_client, django_capture_on_commit_callbacks
):
    data = phone_jpeg()
    original = Image.open(io.BytesIO(data)).getexif()
    assert original.get_ifd(ExifTags.IFD.GPSInfo) and original[ExifTags.Base.Orientation] == 6
    assert Image.open(io.BytesIO(data)).info["icc_profile"]
    event = make.EventFactory(time_zone="Asia/Seoul")
    upload = SimpleUploadedFile("IMG_0042 home.jpg", data, content_type="image/jpeg")
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            "/admin/events/photo/add/",
            {
                "event": event.pk,
                "alt_text": "Poster hall",
                "visibility": "public",
                "upload": upload,
            },
        )
    assert response.status_code == 302
    photo = Photo.objects.get()
    assert (photo.width, photo.height) == (40, 60)
    assert photo.taken_at == datetime.datetime(2023, 11, 8, 14, 5, 9, tzinfo=ZoneInfo("Asia/Seoul"))
    stored_bytes = default_storage.open(photo.image.name).read()
    stored = Image.open(io.BytesIO(stored_bytes))
    assert stored.format == "JPEG" and stored.size == (40, 60)
    # Turned upright: the red half, on the left of the sensor, is now on top.
    red, green, blue = stored.getpixel((20, 5))
    assert red > 200 and green < 60 and blue < 60
    assert stored.getpixel((20, 55))[1] > 200
    assert dict(stored.getexif()) == {}
    assert stored.getexif().get_ifd(0x8825) == {}
    assert not {"exif", "icc_profile", "xmp", "XML:com.adobe.xmp"} & set(stored.info)
    for secret in (b"Exif", b"ZQXCamera", b"SERIAL-12345", b"IMG_0042", b"home"):
        assert secret not in stored_bytes
    assert "IMG_0042" not in photo.image.name and photo.image.name.startswith("photos/")


def test_pipeline_runs_on_in_memory_storage(django_capture_on_commit_callbacks):
    event = make.EventFactory()
    with django_capture_on_commit_callbacks(execute=True):
        photo = store_photo(event, jpeg_bytes())
    assert isinstance(photo.image.storage._wrapped, InMemoryStorage)
    assert [(t["width"], t["height"]) for t in photo.thumbnails] == [
        (320, 240),
        (640, 480),
        (1280, 960),
    ]
    assert stored_files() == sorted(photo.file_names())
    for thumb in photo.thumbnails:
        with default_storage.open(thumb["name"]) as handle:
            image = Image.open(handle)
            assert (image.format, image.size) == ("WEBP", (thumb["width"], thumb["height"]))


def test_pipeline_writes_under_media_root_by_default(
    settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }
    with django_capture_on_commit_callbacks(execute=True):
        photo = store_photo(make.EventFactory(), jpeg_bytes(noise_image((500, 300))))
    on_disk = sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*") if p.is_file())
    assert on_disk == sorted(photo.file_names())


def test_lossless_input_stays_png_and_small_images_get_one_thumbnail(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        photo = store_photo(make.EventFactory(), png_bytes(noise_image((200, 100), "RGBA")))
    assert photo.image.name.endswith(".png")
    assert [(t["width"], t["height"]) for t in photo.thumbnails] == [(200, 100)]
    stored = Image.open(default_storage.open(photo.image.name))
    assert (stored.format, stored.mode) == ("PNG", "RGBA")


@pytest.mark.parametrize("fmt", ["WEBP", "GIF"])
def test_webp_and_gif_are_accepted(fmt, django_capture_on_commit_callbacks):
    buffer = io.BytesIO()
    noise_image((120, 90)).save(buffer, fmt)
    with django_capture_on_commit_callbacks(execute=True):
        photo = store_photo(make.EventFactory(), buffer.getvalue())
    assert (photo.width, photo.height) == (120, 90)
    assert stored_files() == sorted(photo.file_names())


def test_a_save_that_fails_leaves_no_file_and_no_row(django_capture_on_commit_callbacks):
    event = make.EventFactory()
    processed = photos.process(jpeg_bytes())
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(IntegrityError),
        transaction.atomic(),
    ):
        photos.store(Photo(event=event, alt_text="no owner"), processed)
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        store_photo(event, jpeg_bytes())
        raise RuntimeError("something after the photo failed")
    assert Photo.objects.count() == 0
    assert stored_files() == []


class FailingStorage(InMemoryStorage):
    """Object storage that goes away after the first file."""

    written = 0

    def _save(self, name, content):
        if self.written:
            raise OSError("the bucket is gone")
        self.written += 1
        return super()._save(name, content)


def test_a_failed_file_write_takes_back_the_row_and_the_files(
    settings, django_capture_on_commit_callbacks
):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "tests.test_photos.FailingStorage"},
    }
    event = make.EventFactory()
    with (
        pytest.raises(OSError, match="bucket"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        store_photo(event, jpeg_bytes())
    assert Photo.objects.count() == 0
    assert stored_files() == []


def test_deleting_a_photo_or_its_event_removes_its_files(django_capture_on_commit_callbacks):
    event, other = make.EventFactory(), make.EventFactory()
    with django_capture_on_commit_callbacks(execute=True):
        first = store_photo(event, jpeg_bytes(noise_image((700, 500))))
        store_photo(event, jpeg_bytes(noise_image((700, 500))))
        kept = store_photo(other, jpeg_bytes(noise_image((700, 500))))
    assert len(stored_files()) == 9
    with django_capture_on_commit_callbacks(execute=True):
        first.delete()
    assert len(stored_files()) == 6
    with django_capture_on_commit_callbacks(execute=True):
        event.delete()
    assert stored_files() == sorted(kept.file_names())


def test_rebuild_thumbnails_makes_new_files_and_removes_the_old(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        photo = store_photo(make.EventFactory(), jpeg_bytes(noise_image((700, 500))))
    old = [t["name"] for t in photo.thumbnails]
    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("rebuild_thumbnails", stdout=out, verbosity=0)
    photo.refresh_from_db()
    new = [t["name"] for t in photo.thumbnails]
    assert [t["width"] for t in photo.thumbnails] == [320, 640]
    assert not set(old) & set(new)
    assert stored_files() == sorted(photo.file_names())
    assert "Rebuilt the thumbnails of 1 photo(s); 0 failed." in out.getvalue()


# -- bad uploads ---------------------------------------------------------------

BAD_UPLOADS = {
    "decompression bomb": ("bomb.png", png_claiming(20_000, 20_000), "more than 50 million pixels"),
    "truncated jpeg": ("cut.jpg", jpeg_bytes()[:5000], "damaged or cut short"),
    "text named .jpg": ("notes.jpg", b"Not a picture, just words.\n" * 20, "not an image"),
    "svg with script": (
        "logo.svg",
        b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
        "HTML or SVG markup",
    ),
    "html/png polyglot": ("poster.png", html_png_polyglot(), "HTML or SVG markup"),
    "html page with a png after it": (
        "page.png",
        b"<!DOCTYPE html><html><script>alert(1)</script></html>" + png_bytes(noise_image((8, 8))),
        "HTML or SVG markup",
    ),
    "zero bytes": ("empty.jpg", b"", "empty"),
    "heic": (
        "IMG_1.heic",
        b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\x00" * 64,
        "HEIC",
    ),
}


@pytest.mark.parametrize("case", BAD_UPLOADS)
def test_bad_upload_is_a_form_error_naming_the_problem(
    case, admin_client, django_capture_on_commit_callbacks
):
    name, data, problem = BAD_UPLOADS[case]
    event = make.EventFactory()
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            "/admin/events/photo/add/",
            {
                "event": event.pk,
                "alt_text": "Bad",
                "visibility": "public",
                "upload": SimpleUploadedFile(name, data),
            },
        )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors["upload"]
    assert len(errors) == 1 and problem in errors[0]
    assert problem in response.content.decode()
    assert Photo.objects.count() == 0
    assert stored_files() == []


def test_over_size_upload_is_refused_before_decoding(settings, admin_client):
    settings.PHOTO_MAX_BYTES = 10_000
    response = admin_client.post(
        "/admin/events/photo/add/",
        {
            "event": make.EventFactory().pk,
            "alt_text": "Big",
            "visibility": "public",
            "upload": SimpleUploadedFile("big.jpg", jpeg_bytes()),
        },
    )
    errors = response.context["adminform"].form.errors["upload"]
    assert len(errors) == 1 and "photos may be at most 9.8\xa0KB" in errors[0]
    assert Photo.objects.count() == 0 and stored_files() == []


def test_alt_text_is_required(admin_client):
    response = admin_client.post(
        "/admin/events/photo/add/",
        {
            "event": make.EventFactory().pk,
            "alt_text": "",
            "visibility": "public",
            "upload": SimpleUploadedFile("a.jpg", jpeg_bytes(noise_image((50, 50)))),
        },
    )
    assert response.context["adminform"].form.errors["alt_text"] == ["This field is required."]
    assert Photo.objects.count() == 0 and stored_files() == []


# -- the admin -----------------------------------------------------------------


def test_event_inline_takes_several_files_at_once(
    admin_client, admin_user, django_capture_on_commit_callbacks
):
    from tests.test_admin import event_post, management

    event = make.EventFactory(owner=admin_user, slug="samsung-ai-forum-2022")
    booth = make.BoothFactory(event=event, organization="Samsung")
    html = admin_client.get(f"/admin/events/event/{event.pk}/change/").content.decode()
    field = re.search(r'<input[^>]*name="photos-__prefix__-upload"[^>]*>', html).group()
    assert "multiple" in field and 'accept="image/*"' in field
    data = event_post(
        slug=event.slug,
        **management("photos", 1),
        **{
            "photos-0-alt_text": "The Samsung booth",
            "photos-0-caption": "Day 1",
            "photos-0-booth": str(booth.pk),
            "photos-0-visibility": "public",
            "photos-0-upload": [
                SimpleUploadedFile(f"IMG_{i}.jpg", jpeg_bytes(noise_image((400, 300))))
                for i in range(3)
            ],
        },
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(f"/admin/events/event/{event.pk}/change/", data)
    assert response.status_code == 302, response.context["errors"]
    stored = list(Photo.objects.order_by("pk").values_list("alt_text", "caption", "booth", "owner"))
    assert stored == [("The Samsung booth", "Day 1", booth.pk, admin_user.pk)] * 3
    assert len(stored_files()) == 3 * 2  # each: the image and one thumbnail (320)


def test_photo_changelist_shows_thumbnails_with_constant_queries(
    admin_client, django_assert_num_queries, django_capture_on_commit_callbacks
):
    event = make.EventFactory()
    for size in (2, 6):
        with django_capture_on_commit_callbacks(execute=True):
            while Photo.objects.count() < size:
                store_photo(event, jpeg_bytes(noise_image((400, 300))))
        with django_assert_num_queries(7):
            html = admin_client.get("/admin/events/photo/").content.decode()
        assert html.count('class="photo-preview"') == size


def test_staff_see_only_their_own_photos_in_the_admin(client, django_capture_on_commit_callbacks):
    mine, theirs = (
        make.StaffMemberFactory(group="Contributors"),
        make.StaffMemberFactory(group="Editors"),
    )
    event = make.EventFactory()
    with django_capture_on_commit_callbacks(execute=True):
        own = store_photo(event, jpeg_bytes(noise_image((50, 50))), owner=mine)
        other = store_photo(
            event, jpeg_bytes(noise_image((50, 50))), owner=theirs, visibility="public"
        )
    client.force_login(mine)
    assert client.get(f"/admin/events/photo/{own.pk}/change/").status_code == 200
    assert client.get(f"/admin/events/photo/{other.pk}/change/").status_code == 404
    assert (
        f"/admin/events/photo/{other.pk}/"
        not in client.get("/admin/events/photo/").content.decode()
    )


# -- pages and files -----------------------------------------------------------


@pytest.fixture
def album(django_capture_on_commit_callbacks):
    """A public event with a public and a private photo; a private event with a public one."""
    owner = make.StaffMemberFactory(username="minji", group="Editors")
    event = make.EventFactory(slug="neurips-2022", owner=owner, time_zone="America/Chicago")
    talk = make.TalkFactory(event=event, title="Keynote")
    closed = make.EventFactory(slug="closed", owner=owner, visibility="private")
    with django_capture_on_commit_callbacks(execute=True):
        public = store_photo(
            event, jpeg_bytes(), owner=owner, visibility="public", caption="Poster session"
        )
        public.alt_text = "Crowd at poster 42"
        public.save()
        private = store_photo(event, jpeg_bytes(noise_image((800, 600))), owner=owner)
        private.alt_text = "ZQXPRIVATEPHOTO"
        private.save()
        hidden = store_photo(
            closed, jpeg_bytes(noise_image((800, 600))), owner=owner, visibility="public"
        )
        hidden.alt_text = "ZQXHIDDENPHOTO"
        hidden.save()
    talk.photos.add(public, private)
    return {
        "owner": owner,
        "event": event,
        "talk": talk,
        "public": public,
        "private": private,
        "hidden": hidden,
    }


@pytest.fixture(params=["anonymous", "colleague"])
def visitor(request, client):
    if request.param == "colleague":
        client.force_login(make.StaffMemberFactory(username="colleague", group="Contributors"))
    return client


def test_private_photos_are_404_and_absent_for_others(visitor, album):
    for photo in (album["private"], album["hidden"]):
        assert visitor.get(photo.get_absolute_url()).status_code == 404
        for name in photo.file_names():
            assert visitor.get(photo.file_url(name)).status_code == 404
    assert visitor.get("/events/closed/photos/").status_code == 404
    for url in (
        "/events/neurips-2022/",
        "/events/neurips-2022/photos/",
        album["talk"].get_absolute_url(),
        "/",
    ):
        html = visitor.get(url).content.decode()
        assert "ZQXPRIVATEPHOTO" not in html and "ZQXHIDDENPHOTO" not in html, url
        assert album["private"].url not in html and album["hidden"].url not in html
    assert "Crowd at poster 42" in visitor.get("/events/neurips-2022/photos/").content.decode()


def test_owner_sees_private_photos_served_privately(client, album):
    client.force_login(album["owner"])
    assert "ZQXPRIVATEPHOTO" in client.get("/events/neurips-2022/photos/").content.decode()
    assert "ZQXPRIVATEPHOTO" in client.get(album["talk"].get_absolute_url()).content.decode()
    response = client.get(album["private"].url)
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, max-age=3600"
    assert response["Content-Type"] == "image/jpeg"
    assert client.get(album["hidden"].get_absolute_url()).status_code == 200


def test_public_photo_files_are_served_with_type_nosniff_and_long_cache(client, album):
    photo = album["public"]
    response = client.get(photo.url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "public, max-age=31536000, immutable"
    assert response.content == default_storage.open(photo.image.name).read()
    thumb = client.get(photo.thumbnail_urls[0][0])
    assert thumb["Content-Type"] == "image/webp"
    assert client.get(f"/photos/{photo.pk}/../../secret.jpg").status_code == 404
    assert client.get(f"/photos/{photo.pk}/not-one-of-its-files.jpg").status_code == 404
    assert client.get(album["private"].file_url(album["private"].image.name)).status_code == 404


def test_thumbnails_carry_srcset_sizes_lazy_loading_and_dimensions(client, album):
    photo = album["public"]
    url320, url640, url1280 = (url for url, _w, _h in photo.thumbnail_urls)
    html = client.get("/events/neurips-2022/").content.decode()
    assert (
        f'<img src="{url320}" srcset="{url320} 320w, {url640} 640w, {url1280} 1280w" '
        'sizes="(max-width: 40rem) 25vw, 10rem" width="320" height="240" '
        'alt="Crowd at poster 42" loading="lazy" decoding="async">'
    ) in html
    assert 'href="/events/neurips-2022/photos/"' in html
    gallery = client.get("/events/neurips-2022/photos/").content.decode()
    assert 'sizes="(max-width: 40rem) 50vw, 20rem"' in gallery and "Poster session" in gallery
    assert live_markup(gallery) == []


def test_photo_page_is_a_large_view_without_script(client, album):
    photo = album["public"]
    photo.taken_at = datetime.datetime(2022, 11, 29, 1, 30, tzinfo=datetime.UTC)
    photo.save()
    html = client.get(photo.get_absolute_url()).content.decode()
    assert 'alt="Crowd at poster 42"' in html
    assert f"{photo.url} 1600w" in html and 'width="1600" height="1200"' in html
    assert "Poster session" in html
    assert "Nov. 28, 2022, 7:30 p.m." in html  # in the event's time zone, New Orleans
    assert 'href="{}"'.format(album["talk"].get_absolute_url()) in html
    assert live_markup(html) == []


def test_booth_paper_and_note_pages_show_their_photos(client, album):
    event, photo = album["event"], album["public"]
    booth = make.BoothFactory(event=event)
    photo.booth = booth
    photo.save()
    paper = make.PaperFactory(event=event)
    note = make.NoteFactory(event=event, owner=album["owner"], visibility="public")
    paper.photos.add(photo, album["private"])
    note.photos.add(photo)
    for record in (booth, paper, note):
        html = client.get(record.get_absolute_url()).content.decode()
        assert 'alt="Crowd at poster 42"' in html, record
        assert "ZQXPRIVATEPHOTO" not in html


# The event page of an event with photos only: papers, booths and notes it has none of
# are not queried (its counts say so); its talks are (none), as nothing was kept.
@pytest.mark.parametrize(("url", "queries"), [("/events/e/", 6), ("/events/e/photos/", 3)])
def test_photo_pages_cost_the_same_queries_for_more_photos(
    client, django_assert_num_queries, django_capture_on_commit_callbacks, url, queries
):
    event = make.EventFactory(slug="e")
    owner = make.UserFactory()
    for size in (2, 7):
        with django_capture_on_commit_callbacks(execute=True):
            while Photo.objects.count() < size:
                store_photo(
                    event, jpeg_bytes(noise_image((400, 300))), owner=owner, visibility="public"
                )
        with django_assert_num_queries(queries):
            html = client.get(url).content.decode()
        assert html.count('loading="lazy"') == size


def test_timeline_shows_a_cover_photo_only_to_those_who_may_see_it(client, album):
    event = album["event"]
    event.cover_photo = album["public"]
    event.save()
    small = album["public"].thumbnail_urls[0][0]
    assert f'<img class="cover-photo" src="{small}"' in client.get("/events/").content.decode()
    event.cover_photo = album["private"]
    event.save()
    html = client.get("/events/").content.decode()
    assert "cover-photo" not in html and album["private"].thumbnail_urls[0][0] not in html
    client.force_login(album["owner"])
    assert "cover-photo" in client.get("/events/").content.decode()


def test_cover_photo_must_be_one_of_the_events_own(album):
    other = make.EventFactory()
    other.cover_photo = album["public"]
    with pytest.raises(ValidationError) as error:
        other.full_clean()
    assert error.value.message_dict["cover_photo"] == ["Pick one of this event's own photos."]


def test_small_photo_page_lists_each_width_once(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        photo = make_photo(make.EventFactory(), visibility="public", size=(200, 100))
    html = client.get(photo.get_absolute_url()).content.decode()
    assert f'srcset="{photo.thumbnail_urls[0][0]} 200w"' in html


def test_photos_survive_export_and_import(settings, tmp_path, django_capture_on_commit_callbacks):
    from tests.test_archive import empty_the_journal, export, restore

    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }
    settings.MEDIA_ROOT = tmp_path / "media"
    event = make.EventFactory(slug="forum")
    talk = make.TalkFactory(event=event)
    with django_capture_on_commit_callbacks(execute=True):
        photo = make_photo(event, visibility="public")
    event.cover_photo = photo
    event.save()
    talk.photos.add(photo)
    files = {name: read(name) for name in photo.file_names()}
    export(tmp_path / "journal.zip")
    empty_the_journal()
    settings.MEDIA_ROOT = tmp_path / "restored"
    restore(tmp_path / "journal.zip")
    restored = Photo.objects.get()
    assert restored.file_names() == list(files)
    assert {name: read(name) for name in files} == files
    assert Event.objects.get(slug="forum").cover_photo == restored
    assert list(restored.talks.all()) == [talk]
