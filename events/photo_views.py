"""Photo pages: an event's gallery, one photo, and the files themselves.

Files are never served from MEDIA_ROOT by the web server: `photo_file` finds
the photo through `Photo.objects.visible_to(user)` first, so a private
photo's file is a 404 for everyone but its owner, like its page.
"""

from django.contrib.auth.models import AnonymousUser
from django.core.paginator import InvalidPage, Paginator
from django.db.models import Exists, OuterRef
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.cache import patch_cache_control
from django.views.generic import DetailView

from events import photos
from events.models import Event, Photo

# A stored file never changes: a new image or thumbnail gets a new random name.
PUBLIC_MAX_AGE = 365 * 24 * 3600
PRIVATE_MAX_AGE = 3600


class PhotoGalleryView(DetailView):
    """Every photo of an event and its days that the visitor may see, a page at a time."""

    template_name = "events/photo_gallery.html"
    context_object_name = "event"
    paginate_by = 60

    def get_queryset(self):
        return Event.objects.visible_to(self.request.user).select_related("parent")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        photos = self.object.family_records("photos", self.request.user).for_display()
        paginator = Paginator(photos, self.paginate_by)
        try:
            page = paginator.page(self.request.GET.get("page") or 1)
        except InvalidPage as error:
            raise Http404(str(error)) from error
        context.update(photos=page.object_list, page_obj=page, is_paginated=page.has_other_pages())
        return context


class PhotoDetailView(DetailView):
    """One photo, large, with what it shows; a plain page, no script."""

    template_name = "events/photo_detail.html"
    context_object_name = "photo"

    def get_queryset(self):
        return Photo.objects.visible_to(self.request.user).for_display()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        photo, user = self.object, self.request.user
        context["talks"] = photo.talks.visible_to(user).select_related("event__parent")
        context["papers"] = photo.papers.visible_to(user).select_related("event__parent")
        context["notes"] = photo.notes.visible_to(user).select_related("event__parent")
        return context


def photo_file(request, pk, name):
    """A photo's image or thumbnail, by its stored (random) name."""
    public = Photo.objects.visible_to(AnonymousUser()).filter(pk=OuterRef("pk"))
    photo = get_object_or_404(
        Photo.objects.visible_to(request.user).annotate(public=Exists(public)), pk=pk
    )
    stored = {full.rsplit("/", 1)[-1]: full for full in photo.file_names()}
    content_type = photos.content_type(name)
    if name not in stored or content_type is None:
        raise Http404
    try:
        # Read whole (a photo is at most PHOTO_MAX_BYTES, a thumbnail far less):
        # the same for a local file and for a remote storage's object.
        with photo.image.storage.open(stored[name], "rb") as handle:
            data = handle.read()
    except OSError as error:
        raise Http404 from error
    response = HttpResponse(data, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    if photo.public:
        patch_cache_control(response, public=True, max_age=PUBLIC_MAX_AGE, immutable=True)
    else:
        patch_cache_control(response, private=True, max_age=PRIVATE_MAX_AGE)
    return response
