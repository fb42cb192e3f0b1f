"""The demo journal's photos: drawn with Pillow at load time, stored through the real pipeline."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.files.storage import default_storage
from django.core.management import call_command
from PIL import Image

from events.models import Event, Photo
from tests.test_photos import IN_MEMORY, stored_files

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def memory_storage(settings):
    settings.STORAGES = {**settings.STORAGES, "default": IN_MEMORY}
    return default_storage


def load(capture):
    """`manage.py load_demo` as `make run` runs it: its transaction commits, files are written."""
    out = io.StringIO()
    with capture(execute=True):
        call_command("load_demo", stdout=out)
    return out.getvalue()


def test_demo_photos_are_stored_through_the_pipeline(client, django_capture_on_commit_callbacks):
    output = load(django_capture_on_commit_callbacks)
    assert "5 photos" in output
    photos = Photo.objects.order_by("pk")
    assert photos.count() == 5
    assert set(photos.values_list("visibility", flat=True)) == {"public", "private"}
    for photo in photos:
        assert photo.alt_text.startswith("Drawn stand-in for a photo")
        # The re-encoded image and a WebP thumbnail per width narrower than it (320, 640).
        assert (photo.width, photo.height) == (1200, 900)
        assert [t["width"] for t in photo.thumbnails] == [320, 640]
        with default_storage.open(photo.image.name) as handle:
            image = Image.open(handle)
            assert image.format == "JPEG" and image.size == (1200, 900)
            assert not image.getexif()
    # Every file of every photo, and nothing else.
    assert stored_files() == sorted(name for photo in photos for name in photo.file_names())
    assert Photo.objects.get(booth__organization="Disney").event.slug == "neurips-2022"


def test_demo_cover_photo_on_the_timeline_and_private_photo_hidden(
    client, django_capture_on_commit_callbacks
):
    load(django_capture_on_commit_callbacks)
    neurips = Event.objects.get(slug="neurips-2022")
    cover = neurips.cover_photo
    assert cover is not None and cover.visibility == "public" and cover.event == neurips
    timeline = client.get("/events/").content.decode()
    assert f'<img class="cover-photo" src="{cover.small[0]}"' in timeline
    response = client.get(cover.url)
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"

    private = Photo.objects.get(visibility="private")
    gallery = client.get("/events/neurips-2022/photos/").content.decode()
    assert cover.alt_text in gallery and private.alt_text not in gallery
    assert client.get(private.url).status_code == 404
    client.force_login(get_user_model().objects.get(username="demo"))
    assert private.alt_text in client.get("/events/neurips-2022/photos/").content.decode()


def test_loading_the_demo_twice_adds_no_photo_and_no_file(django_capture_on_commit_callbacks):
    load(django_capture_on_commit_callbacks)
    files = stored_files()
    rows = list(Photo.objects.order_by("pk").values())
    output = load(django_capture_on_commit_callbacks)
    assert "(created 0, updated 0, " in output
    assert stored_files() == files
    assert list(Photo.objects.order_by("pk").values()) == rows


def test_loading_the_demo_again_restores_a_changed_photo_and_cover(
    django_capture_on_commit_callbacks,
):
    load(django_capture_on_commit_callbacks)
    neurips = Event.objects.get(slug="neurips-2022")
    cover = neurips.cover_photo
    Photo.objects.filter(pk=cover.pk).update(visibility="private", caption="changed")
    Event.objects.filter(pk=neurips.pk).update(cover_photo=None)
    files = stored_files()
    output = load(django_capture_on_commit_callbacks)
    assert "(created 0, updated 1, " in output
    cover.refresh_from_db()
    assert (cover.visibility, cover.caption) == ("public", "The exhibit hall on the first morning.")
    assert Event.objects.get(pk=neurips.pk).cover_photo == cover
    assert stored_files() == files  # the image is not drawn again
