"""The event's admin page with everything logged at it, and its import and recap pages.

events/admin.py makes the Event form with its booths and photos; the talks, papers and
notes inlines come from talks/admin.py. This module puts them together and registers
the result, so neither app imports the other the wrong way. Loaded by confjournal/admin.py
after both apps' admin modules (confjournal comes after them in INSTALLED_APPS).
"""

import tempfile
from pathlib import Path

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from confjournal.core.admin_inputs import remember_visibilities
from confjournal.exchange.forms import PapersImportForm, PostImportForm, ProgrammeImportForm
from confjournal.exchange.papers import BibtexError, import_papers, parse_bibtex
from confjournal.exchange.posts import PostError, import_post, read_post
from confjournal.exchange.programme import (
    ProgrammeError,
    check_size,
    import_programme,
    parse_programme,
)
from events import admin as events_admin
from events.models import Event, Photo
from talks import recap
from talks.admin import (
    NoteAboutItAdminMixin,
    NoteAboutItForm,
    NoteInline,
    PaperInline,
    TalkInline,
)
from talks.models import Note

admin.site.unregister(Event)


class BoothInline(NoteAboutItAdminMixin, events_admin.BoothInline):
    """A booth row with a note about it (notes live in `talks`, so here)."""

    form = NoteAboutItForm
    fields = [*events_admin.BoothInline.fields, ("note", "note_visibility")]


@admin.register(Event)
class JournalEventAdmin(events_admin.EventAdmin):
    """The event's page: its fields, then everything logged at it."""

    inlines = [
        TalkInline,
        PaperInline,
        BoothInline,
        NoteInline,
        events_admin.PhotoInline,
    ]

    def get_formsets_with_inlines(self, request, obj=None):
        if obj is not None:
            # The note and photo rows' visibility, remembered, in one query for both.
            remember_visibilities(request, obj.pk, [Note, Photo])
        yield from super().get_formsets_with_inlines(request, obj)

    def save_formset(self, request, form, formset, change):
        if formset.model is not Note:
            super().save_formset(request, form, formset, change)
            # A talk, paper or booth row may carry a note about it.
            for row in formset.forms:
                if isinstance(row, NoteAboutItForm) and row not in formset.deleted_forms:
                    row.save_note(request.user)
            return None
        notes = formset.save(commit=False)
        for note in formset.deleted_objects:
            note.delete()
        for note in notes:
            if note.owner_id is None:
                note.owner = request.user
            note.save()
        formset.save_m2m()
        return None

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "<path:object_id>/import-programme/",
                self.admin_site.admin_view(self.import_programme_view),
                name="{}_{}_import_programme".format(*info),
            ),
            path(
                "<path:object_id>/import-papers/",
                self.admin_site.admin_view(self.import_papers_view),
                name="{}_{}_import_papers".format(*info),
            ),
            path(
                "<path:object_id>/import-post/",
                self.admin_site.admin_view(self.import_post_view),
                name="{}_{}_import_post".format(*info),
            ),
            path(
                "<path:object_id>/recap.md",
                self.admin_site.admin_view(self.recap_view),
                name="{}_{}_recap".format(*info),
            ),
            *super().get_urls(),
        ]

    def _event_to_import_into(self, request, object_id, permission):
        """The event of an import page, for a user who may change it and add such records."""
        event = self.get_object(request, unquote(object_id))
        if not (self.has_change_permission(request, event) and request.user.has_perm(permission)):
            raise PermissionDenied
        return event

    def _import_page(self, request, event, title, template, form, report=None):
        context = {
            **self.admin_site.each_context(request),
            "title": title,
            "opts": self.opts,
            "original": event,
            "form": form,
            "report": report,
            "details": report.details() if report else [],
        }
        return TemplateResponse(request, f"admin/events/event/{template}.html", context)

    def import_programme_view(self, request, object_id):
        """Upload a programme file; the same write path as `manage.py import_schedule`."""
        event = self._event_to_import_into(request, object_id, "talks.add_talk")
        posted = request.method == "POST"
        form = ProgrammeImportForm(
            request.POST if posted else None, request.FILES if posted else None
        )
        report = None
        if request.method == "POST" and form.is_valid():
            upload, dry_run = form.cleaned_data["file"], form.cleaned_data["dry_run"]
            try:
                check_size(upload.size)
                programme = parse_programme(upload.read())
                report = import_programme(
                    event,
                    programme,
                    dry_run=dry_run,
                    extend_dates=form.cleaned_data["extend_dates"],
                )
            except ProgrammeError as error:
                form.add_error("file", str(error))
            else:
                if not dry_run:
                    self._report_import(request, report)
                    changelist = reverse("admin:talks_talk_changelist")
                    return HttpResponseRedirect(f"{changelist}?event__id__exact={event.pk}")
        return self._import_page(
            request, event, _("Import programme"), "import_programme", form, report
        )

    def import_papers_view(self, request, object_id):
        """Upload or paste BibTeX; the same write path as `manage.py import_bibtex`."""
        event = self._event_to_import_into(request, object_id, "talks.add_paper")
        posted = request.method == "POST"
        form = PapersImportForm(request.POST if posted else None, request.FILES if posted else None)
        report = None
        if posted and form.is_valid():
            options = form.cleaned_data
            try:
                entries, problems = parse_bibtex(options["bibtex"])
                report = import_papers(
                    event,
                    entries,
                    problems,
                    dry_run=options["dry_run"],
                    skip_bad=options["skip_bad"],
                )
            except BibtexError as error:
                form.add_error(None, str(error))
            else:
                if not options["dry_run"]:
                    messages.success(request, report.summary())
                    for line in report.details()[:20]:
                        messages.info(request, line)
                    changelist = reverse("admin:talks_paper_changelist")
                    return HttpResponseRedirect(f"{changelist}?event__id__exact={event.pk}")
        return self._import_page(request, event, _("Import papers"), "import_papers", form, report)

    def import_post_view(self, request, object_id):
        """Upload a saved blog post; the same write path as `manage.py import_post`."""
        event = self._event_to_import_into(request, object_id, "talks.add_note")
        posted = request.method == "POST"
        form = PostImportForm(request.POST if posted else None, request.FILES if posted else None)
        if posted and form.is_valid():
            upload = form.cleaned_data["file"]
            suffix = Path(upload.name).suffix.lower()
            with tempfile.TemporaryDirectory() as folder:
                path = Path(folder) / f"post{suffix}"
                with path.open("wb") as file:
                    for chunk in upload.chunks():
                        file.write(chunk)
                try:
                    post = read_post(path)
                    note = import_post(event, post, request.user, form.cleaned_data["visibility"])
                except PostError as error:
                    form.add_error("file", str(error))
                else:
                    messages.success(
                        request,
                        ngettext(
                            "Imported “%(title)s” with %(n)d photo.",
                            "Imported “%(title)s” with %(n)d photos.",
                            len(post.images),
                        )
                        % {"title": note.title, "n": len(post.images)},
                    )
                    for address in post.missing[:20]:
                        messages.warning(
                            request, _("Not in the saved files, left out: %(a)s") % {"a": address}
                        )
                    return HttpResponseRedirect(reverse("admin:talks_note_change", args=[note.pk]))
        return self._import_page(request, event, _("Import a post"), "import_post", form)

    def _report_import(self, request, report, shown=20):
        messages.success(request, report.summary())
        details = report.details(created=False)
        for line in details[:shown]:
            level = messages.WARNING if line.startswith("!") else messages.INFO
            messages.add_message(request, level, line)
        if len(details) > shown:
            more = len(details) - shown
            messages.info(
                request,
                ngettext("… and %(n)d more change.", "… and %(n)d more changes.", more)
                % {"n": more},
            )
        if report.created:
            messages.info(request, _("Tick the talks you attended and press Save."))

    def recap_view(self, request, object_id):
        """The event's Markdown recap with the viewer's own private notes in it."""
        event = self.get_object(request, unquote(object_id))
        if not self.has_view_permission(request, event):
            raise PermissionDenied
        text = recap.event_recap(event, viewer=request.user, absolute=request.build_absolute_uri)
        response = HttpResponse(text, content_type="text/plain; charset=utf-8")
        response["Content-Disposition"] = content_disposition_header(False, f"{event.slug}.md")
        return response
