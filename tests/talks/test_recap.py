"""The Markdown recap of an event: public for everyone, with the owner's own notes in the admin."""

import datetime

import markdown
import pytest

from talks.recap import inline
from tests import factories as make
from tests.sample_journal import assert_nothing_private

pytestmark = pytest.mark.django_db

PUBLIC_RECAP = """\
# NeurIPS 2022

Nov. 28, 2022 – Dec. 1, 2022 · Ernest N. Morial Convention Center, New Orleans, United States of America · Conference

<https://neurips.cc/Conferences/2022>

Four days of **posters** and talks.

## Days and side events

- [Expo day](<http://testserver/events/neurips-2022-expo/>) (Nov. 28, 2022)

## Talks

### Nov. 28, 2022

- **[트랜스포머 경량화](<http://testserver/talks/{korean}/>)** — Sebastian Seung, Geoffrey Hinton (11:30, Hall A, Invited talk)

### Nov. 29, 2022

- **[The Forward-Forward Algorithm](<http://testserver/talks/{forward}/>)** — Geoffrey Hinton (10:00, Hall A, Invited talk, rated 5/5)

## Papers

- **[Pruning R&amp;D: 50% of $x\\_1$ {{braces}} #1 ~ \\\\ 트랜스포머 경량화](<http://testserver/papers/{paper}/>)** — Ada Lovelace, 승현준, Research and Development Team. Poster #42. [paper page](<https://openreview.net/forum?id=abc_123&x=1>) · [arXiv:2206.09959](<https://arxiv.org/abs/2206.09959>) · [doi:10.1234/abc\\_def](<https://doi.org/10.1234/abc_def>)

## Booths

- **Samsung Research** (Hall B, #12) — On-device LLM demo. Swag: T-shirt.

## Notes

### Forward-Forward &lt;b>&amp;&lt;/b> me

*on [The Forward-Forward Algorithm](<http://testserver/talks/{forward}/>) · Minji Kim*

**Bold** claim.

<script>alert('x')</script> R&D, 벤지오 교수님의 강연

### Booth notes

*on [Samsung Research](<http://testserver/booths/{booth}/>) · colleague*

Great demo.
"""  # noqa: E501, RUF001


def expected(journal):
    return PUBLIC_RECAP.format(
        **{name: journal[name].pk for name in ("korean", "forward", "paper", "booth")}
    )


def test_public_recap_holds_the_event_in_reading_order(client, shared_journal):
    response = client.get("/events/neurips-2022/recap.md")

    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response["Content-Disposition"] == 'inline; filename="neurips-2022.md"'
    assert response.content.decode() == expected(shared_journal)


def test_public_recap_is_the_same_for_the_owner(client, shared_journal):
    client.force_login(shared_journal["owner"])

    text = client.get("/events/neurips-2022/recap.md").content.decode()

    assert_nothing_private(text)
    assert text == expected(shared_journal)


def test_private_event_has_no_public_recap(client, shared_journal):
    client.force_login(shared_journal["owner"])

    assert client.get("/events/closed-defence/recap.md").status_code == 404


def test_admin_recap_adds_the_viewers_own_private_notes_only(client, shared_journal):
    owner = shared_journal["owner"]
    owner.is_staff = owner.is_superuser = True
    owner.save()
    client.force_login(owner)

    text = client.get(f"/admin/events/event/{shared_journal['neurips'].pk}/recap.md").content
    text = text.decode()

    assert "### Recruiter PRIVATENOTEMARK" in text
    assert "The offer is 2x. PRIVATENOTEMARK" in text
    assert "COLLEAGUEMARK" not in text  # a superuser still gets no one else's private notes
    assert text.index("## Notes") < text.index("### Forward-Forward") < text.index("### Recruiter")


def test_admin_recap_of_a_private_event_for_its_owner(client, shared_journal):
    owner = shared_journal["owner"]
    owner.is_staff = owner.is_superuser = True
    owner.save()
    client.force_login(owner)

    text = client.get(f"/admin/events/event/{shared_journal['closed'].pk}/recap.md").content
    text = text.decode()

    assert text.startswith("# Closed defence CLOSEDMARK\n")
    assert "Briefing CLOSEDMARK" in text


def test_admin_recap_of_someone_elses_private_event_is_404(client, shared_journal):
    client.force_login(make.StaffMemberFactory(username="jiwoo", group="Contributors"))

    url = f"/admin/events/event/{shared_journal['closed'].pk}/recap.md"

    assert client.get(url).status_code == 404


def test_inline_text_renders_as_itself_in_markdown():
    text = "R&D <b>*not* bold</b> [x](y) `code` snake_case \\ 트랜스포머"

    html = markdown.markdown(inline(text))

    assert html == (
        "<p>R&amp;D &lt;b&gt;*not* bold&lt;/b&gt; [x](y) `code` snake_case \\ 트랜스포머</p>"
    )


def build_recap(size):
    owner = make.UserFactory(username="owner")
    event = make.EventFactory(slug="event", owner=owner)
    for i in range(size):
        day = make.EventFactory(slug=f"day-{i}", parent=event, owner=owner)
        talk = make.TalkFactory(event=day, start_time=datetime.time(9, i))
        make.NoteFactory(event=day, talk=talk, owner=owner, visibility="public")


@pytest.mark.parametrize("size", [2, 6])
def test_recap_query_count_does_not_grow(client, django_assert_num_queries, size):
    build_recap(size)

    with django_assert_num_queries(8):  # the first, the journal version for its ETag
        response = client.get("/events/event/recap.md")

    assert response.content.decode().count("\n- **[Talk") == size


def test_recap_orders_talks_as_the_event_page_untimed_and_night_last(client):
    event = make.EventFactory(
        name="Forum", slug="forum", start_date=datetime.date(2023, 7, 12), visibility="public"
    )
    day = event.start_date
    for title, clock in [("Night owls", datetime.time(0, 30)), ("Keynote", datetime.time(9, 0))]:
        make.TalkFactory(event=event, title=title, date=day, start_time=clock)
    make.TalkFactory(event=event, title="Some time that day", date=day, start_time=None)
    text = client.get("/events/forum/recap.md").content.decode()
    assert text.index("Keynote") < text.index("Night owls") < text.index("Some time that day")
    page = client.get("/events/forum/").content.decode()
    assert page.index("Keynote") < page.index("Night owls") < page.index("Some time that day")


def test_a_notes_own_headings_go_under_the_recaps(client):
    event = make.EventFactory(slug="forum", visibility="public")
    body = "# Big\n\ntext\n\n## Smaller\n\nSetext\n======\n\n```\n# not a heading\n```\n"
    make.NoteFactory(event=event, title="Mine", body=body, visibility="public")
    text = client.get("/events/forum/recap.md").content.decode()
    assert "### Mine" in text
    assert "\n#### Big\n" in text and "\n##### Smaller\n" in text and "\n#### Setext\n" in text
    assert "\n# not a heading\n" in text  # inside a code fence
    assert "\n# Big" not in text and "\n## Smaller" not in text
