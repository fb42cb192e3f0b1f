"""The list rows' Jinja2 filters and the topics a list prefetches."""

import datetime

from django.template import engines
from django.utils import translation

from confjournal.core.tagging import prefetch_topics
from talks.models import Talk
from tests.factories import TalkFactory


def test_row_filters_work_in_a_template_rendered_outside_a_list(db):
    # render_rows gives the filters the list's language and URL prefix; any other
    # rendering reads the request's own.
    template = engines["jinja2"].from_string(
        "{{ 7|url('talks:detail') }} · {{ when|day }} · {{ talk|label('kind') }} · {{ at|clock }}"
    )
    talk = TalkFactory(kind="keynote")
    with translation.override("ko"):
        text = template.render(
            {"when": datetime.date(2023, 7, 12), "talk": talk, "at": datetime.time(9, 5)}
        )
    assert text == "/talks/7/ · 2023년 7월 12일 · 기조연설 · 09:05"


def test_a_records_prefetched_topics_are_read_again_after_its_form_saves_new_ones(db):
    talk = TalkFactory()
    talk.tags.add("pruning")
    talk = Talk.objects.prefetch_related(prefetch_topics()).get(pk=talk.pk)
    field = Talk._meta.get_field("tags")
    assert [tag.name for tag in field.value_from_object(talk)] == ["pruning"]

    field.save_form_data(talk, ["diffusion", "베이지안"])

    assert sorted(tag.name for tag in field.value_from_object(talk)) == ["diffusion", "베이지안"]
    assert sorted(tag.name for tag in talk.topics) == ["diffusion", "베이지안"]
