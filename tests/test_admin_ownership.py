"""In the admin, staff share the journal's records but each keeps their own notes.

Staff who are not superusers work by model permission (the Editors and
Contributors groups), see another user's private event and what is under it
nowhere, and see, change and delete only their own notes.
"""

import datetime

import pytest
from django.contrib.auth.models import Group

from events.models import Event
from talks.models import Note, Talk
from tests import factories as make
from tests.test_admin import event_post, management

pytestmark = pytest.mark.django_db


@pytest.fixture
def lab(db):
    """Minji's journal (an Editor), with a colleague's note already in it."""
    minji = make.StaffMemberFactory(username="minji", group="Editors")
    forum = make.EventFactory(
        name="Public Forum",
        slug="public-forum",
        start_date=datetime.date(2022, 11, 8),
        end_date=datetime.date(2022, 11, 9),
        owner=minji,
    )
    keynote = make.TalkFactory(event=forum, title="Public keynote")
    closed = make.EventFactory(
        name="CLOSED-DEFENCE-EVENT",
        slug="closed-defence",
        visibility="private",
        owner=minji,
    )
    hidden_speaker = make.SpeakerFactory(name="Colonel Hidden", slug="colonel-hidden")
    closed_talk = make.TalkFactory(event=closed, title="CLOSED-TALK", speakers=[hidden_speaker])
    closed_talk.tags.add("defence-only")
    make.PaperFactory(event=closed, title="CLOSED-PAPER")
    make.BoothFactory(event=closed, organization="CLOSED-BOOTH")
    private_note = make.NoteFactory(
        event=forum, talk=keynote, owner=minji, title="MINJI-PRIVATE-NOTE", body="recruiter said"
    )
    public_note = make.NoteFactory(
        event=forum, owner=minji, title="MINJI-PUBLIC-NOTE", body="a blog post", visibility="public"
    )
    return {
        "minji": minji,
        "forum": forum,
        "keynote": keynote,
        "closed": closed,
        "closed_talk": closed_talk,
        "private_note": private_note,
        "public_note": public_note,
    }


def html_of(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, url
    return response.content.decode()


def test_groups_hold_exactly_their_permissions(db):
    def codenames(name):
        return sorted(Group.objects.get(name=name).permissions.values_list("codename", flat=True))

    shared = ["booth", "event", "paper", "speaker", "tag", "talk"]
    actions = ["add", "change", "delete", "view"]
    assert codenames("Editors") == sorted(
        f"{action}_{model}" for model in [*shared, "note", "photo"] for action in actions
    )
    assert codenames("Contributors") == sorted(
        [f"view_{model}" for model in shared]
        + [f"{action}_{model}" for model in ("note", "photo") for action in actions]
    )


@pytest.mark.parametrize("group", ["Contributors", "Editors"])
def test_admin_changelists_show_shared_records_but_not_others_private_ones(client, lab, group):
    colleague = make.StaffMemberFactory(username="colleague", group=group)
    make.NoteFactory(event=lab["forum"], owner=colleague, title="COLLEAGUE-NOTE")
    client.force_login(colleague)
    html = html_of(client, "/admin/events/event/")
    assert "Public Forum" in html and "CLOSED-DEFENCE-EVENT" not in html
    html = html_of(client, "/admin/talks/talk/")
    assert "Public keynote" in html and "CLOSED-TALK" not in html
    assert "CLOSED-PAPER" not in html_of(client, "/admin/talks/paper/")
    assert "CLOSED-BOOTH" not in html_of(client, "/admin/events/booth/")
    assert "Colonel Hidden" not in html_of(client, "/admin/talks/speaker/")
    assert "defence-only" not in html_of(client, "/admin/events/tag/")
    html = html_of(client, "/admin/talks/note/")
    assert "COLLEAGUE-NOTE" in html
    # Not even Minji's public note: notes are edited by their author only.
    assert "MINJI-PRIVATE-NOTE" not in html and "MINJI-PUBLIC-NOTE" not in html


def test_superuser_sees_every_record_in_the_admin(client, lab):
    client.force_login(make.StaffFactory(username="root"))
    assert "CLOSED-DEFENCE-EVENT" in html_of(client, "/admin/events/event/")
    html = html_of(client, "/admin/talks/note/")
    assert "MINJI-PRIVATE-NOTE" in html and "MINJI-PUBLIC-NOTE" in html
    assert "Colonel Hidden" in html_of(client, "/admin/talks/speaker/")


@pytest.mark.parametrize("group", ["Contributors", "Editors"])
def test_admin_pages_of_others_notes_and_private_records_are_404(client, lab, group):
    client.force_login(make.StaffMemberFactory(username="colleague", group=group))
    closed_talk = lab["closed_talk"]
    urls = []
    for note in (lab["private_note"], lab["public_note"]):
        urls += [f"/admin/talks/note/{note.pk}/{page}/" for page in ("change", "delete", "history")]
    urls += [
        f"/admin/events/event/{lab['closed'].pk}/change/",
        f"/admin/events/event/{lab['closed'].pk}/delete/",
        f"/admin/talks/talk/{closed_talk.pk}/change/",
        f"/admin/talks/paper/{lab['closed'].papers.get().pk}/change/",
        f"/admin/events/booth/{lab['closed'].booths.get().pk}/change/",
        f"/admin/talks/speaker/{closed_talk.speaker_list[0].pk}/change/",
    ]
    for url in urls:
        html = html_of(client, url, status=404)
        for marker in ("MINJI-", "CLOSED-", "Colonel Hidden", "recruiter"):
            assert marker not in html, url


def test_contributor_views_shared_records_but_adds_only_notes(client, lab, contributor):
    client.force_login(contributor)
    assert client.get("/admin/events/event/add/").status_code == 403
    assert client.get("/admin/talks/talk/add/").status_code == 403
    html = html_of(client, f"/admin/events/event/{lab['forum'].pk}/change/")
    assert "Public Forum" in html and 'name="_save"' not in html
    response = client.post(
        "/admin/talks/note/add/",
        {
            "event": str(lab["forum"].pk),
            "body": "my own",
            "visibility": "private",
            "owner": str(lab["minji"].pk),
        },
    )
    assert response.status_code == 302
    assert Note.objects.get(body="my own").owner == contributor


def test_editor_adds_an_event_owned_by_themselves(client, lab, editor):
    client.force_login(editor)
    response = client.post(
        "/admin/events/event/add/", event_post(name="Editor's event", owner=str(lab["minji"].pk))
    )
    assert response.status_code == 302
    assert Event.objects.get(name="Editor's event").owner == editor


def test_event_inline_shows_only_own_notes(client, lab, editor):
    make.NoteFactory(event=lab["forum"], owner=editor, title="EDITOR-NOTE")
    client.force_login(editor)
    html = html_of(client, f"/admin/events/event/{lab['forum'].pk}/change/")
    assert "EDITOR-NOTE" in html
    assert "MINJI-PRIVATE-NOTE" not in html and "MINJI-PUBLIC-NOTE" not in html


def forum_change_post(forum, **fields):
    data = event_post(
        name=forum.name,
        slug=forum.slug,
        kind=forum.kind,
        series="",
        start_date=forum.start_date.isoformat(),
        end_date=forum.end_date.isoformat(),
        city=forum.city,
        country=str(forum.country),
        tags="",
    )
    data.update(fields)
    return data


def others_note_row(lab, **fields):
    return {
        "notes-0-id": str(lab["private_note"].pk),
        "notes-0-event": str(lab["forum"].pk),
        "notes-0-title": "HACKED",
        "notes-0-body": "HACKED",
        "notes-0-visibility": "public",
        "notes-0-tags": "",
        **fields,
    }


def assert_private_note_untouched(lab):
    note = Note.objects.get(pk=lab["private_note"].pk)
    assert (note.title, note.body, note.visibility, note.owner) == (
        "MINJI-PRIVATE-NOTE",
        "recruiter said",
        "private",
        lab["minji"],
    )
    assert not Note.objects.filter(body="HACKED").exists()


def test_editor_cannot_change_others_note_through_the_event_inline(client, lab, editor):
    client.force_login(editor)
    response = client.post(
        f"/admin/events/event/{lab['forum'].pk}/change/",
        forum_change_post(
            lab["forum"], **management("notes", 1, initial=1), **others_note_row(lab)
        ),
    )
    assert response.status_code == 200
    assert "Please correct the error below." in response.content.decode()
    assert "Select a valid choice" in str(response.context["errors"])
    assert_private_note_untouched(lab)


def test_editor_cannot_delete_others_note_through_the_event_inline(client, lab, editor):
    client.force_login(editor)
    # A row marked for deletion is not validated; the formset leaves it out.
    client.post(
        f"/admin/events/event/{lab['forum'].pk}/change/",
        forum_change_post(
            lab["forum"],
            **management("notes", 1, initial=1),
            **others_note_row(lab, **{"notes-0-DELETE": "on"}),
        ),
    )
    assert_private_note_untouched(lab)


def test_editor_cannot_take_over_others_note_as_a_new_inline_row(client, lab, editor):
    client.force_login(editor)
    client.post(
        f"/admin/events/event/{lab['forum'].pk}/change/",
        forum_change_post(lab["forum"], **management("notes", 1), **others_note_row(lab)),
    )
    assert_private_note_untouched(lab)


def test_contributor_cannot_post_the_event_page_at_all(client, lab, contributor):
    client.force_login(contributor)
    target = lab["private_note"]
    response = client.post(
        f"/admin/events/event/{lab['forum'].pk}/change/",
        forum_change_post(
            lab["forum"],
            **management("notes", 1, initial=1),
            **{"notes-0-id": str(target.pk), "notes-0-body": "HACKED", "notes-0-DELETE": "on"},
        ),
    )
    assert response.status_code == 403
    assert Note.objects.get(pk=target.pk).body == "recruiter said"


def autocomplete(client, model_name, field_name, term, app_label="talks"):
    response = client.get(
        "/admin/autocomplete/",
        {"term": term, "app_label": app_label, "model_name": model_name, "field_name": field_name},
    )
    assert response.status_code == 200
    return [result["text"] for result in response.json()["results"]]


def test_autocompletes_and_lookups_offer_no_private_record_or_others_note(client, lab, contributor):
    client.force_login(contributor)
    assert autocomplete(client, "note", "event", "CLOSED") == []
    assert autocomplete(client, "note", "event", "Public") == ["Public Forum"]
    assert autocomplete(client, "note", "talk", "CLOSED") == []
    assert autocomplete(client, "note", "paper", "CLOSED") == []
    assert autocomplete(client, "note", "booth", "CLOSED") == []
    assert autocomplete(client, "talk", "speakers", "Colonel") == []
    assert autocomplete(client, "event", "parent", "CLOSED", app_label="events") == []
    # No field refers to a note, so no autocomplete lists notes.
    response = client.get(
        "/admin/autocomplete/",
        {"term": "MINJI", "app_label": "talks", "model_name": "note", "field_name": "title"},
    )
    assert response.status_code == 403
    for query in ("?q=MINJI", f"?owner__id__exact={lab['minji'].pk}", "?_popup=1&q=recruiter"):
        html = html_of(client, "/admin/talks/note/" + query)
        assert "MINJI-PRIVATE-NOTE" not in html and "MINJI-PUBLIC-NOTE" not in html
        assert "0 notes" in html


def test_editor_cannot_pick_a_private_event_by_its_id(client, lab, editor):
    client.force_login(editor)
    response = client.post(
        "/admin/talks/talk/add/",
        {"event": str(lab["closed"].pk), "title": "Smuggled", "kind": "invited", "tags": ""},
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not Talk.objects.filter(title="Smuggled").exists()


def test_editor_cannot_delete_a_record_carrying_others_notes(client, lab, editor):
    client.force_login(editor)
    forum = lab["forum"]
    html = html_of(client, f"/admin/events/event/{forum.pk}/delete/")
    assert "notes or days written by other people (ask an administrator)" in html
    assert "MINJI-PRIVATE-NOTE" not in html
    assert client.post(f"/admin/events/event/{forum.pk}/delete/", {"post": "yes"}).status_code == (
        403
    )
    html = html_of(client, f"/admin/talks/talk/{lab['keynote'].pk}/delete/")
    assert "ask an administrator" in html and "MINJI" not in html
    response = client.post(
        "/admin/events/event/",
        {"action": "delete_selected", "_selected_action": [str(forum.pk)], "post": "yes"},
    )
    assert response.status_code == 403
    assert Event.objects.filter(pk=forum.pk).exists()
    assert Note.objects.filter(pk=lab["private_note"].pk).exists()


def test_editor_cannot_delete_a_talk_with_others_notes_from_the_event_inline(client, lab, editor):
    client.force_login(editor)
    keynote = lab["keynote"]
    response = client.post(
        f"/admin/events/event/{lab['forum'].pk}/change/",
        forum_change_post(
            lab["forum"],
            **management("talks", 1, initial=1),
            **{
                "talks-0-id": str(keynote.pk),
                "talks-0-event": str(lab["forum"].pk),
                "talks-0-title": keynote.title,
                "talks-0-kind": keynote.kind,
                "talks-0-date": keynote.date.isoformat(),
                "talks-0-attended": "on",
                "talks-0-tags": "",
                "talks-0-DELETE": "on",
            },
        ),
    )
    assert response.status_code == 200
    assert "This cannot be deleted here: it holds notes or days written by other people" in (
        response.content.decode()
    )
    assert Talk.objects.filter(pk=keynote.pk).exists()
    assert Note.objects.filter(pk=lab["private_note"].pk).exists()


def test_editor_deletes_a_talk_with_only_their_own_notes(client, lab, editor):
    talk = make.TalkFactory(event=lab["forum"], title="Editor's talk")
    make.NoteFactory(event=lab["forum"], talk=talk, owner=editor)
    client.force_login(editor)
    response = client.post(f"/admin/talks/talk/{talk.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not Talk.objects.filter(pk=talk.pk).exists()
