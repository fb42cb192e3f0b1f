"""Random, huge, NUL-laden and wrongly typed input is never a 500.

Hypothesis posts to every admin add form (with the inline formsets' fields
and management forms of each) and sends every public page's query
parameters, 25 examples per target. NUL bytes get their own deterministic
test: PostgreSQL cannot store them, so every text field of every admin form
must refuse them as a form error, and a NUL in an address is a 400.
"""

import datetime
from urllib.parse import quote

import pytest
from django import forms
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.test import RequestFactory
from django.urls import resolve, reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests import factories as make
from tests.public_pages import address, present_pages

pytestmark = pytest.mark.django_db

FUZZ = settings(
    max_examples=25,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

ODD_VALUES = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "%00",
    "-1",
    "0",
    "99999999999999999999999",
    "1e309",
    "NaN",
    "2022-02-30",
    "abc",
    "[]",
    "None",
    "<script>alert(1)</script>",
    "../../etc/passwd",
    "' OR 1=1 --",
    "벤지오",
    "\u202e\u200b",
]
# Text the way a browser could send it: any character but lone surrogates.
TEXT = st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=40)
VALUES = st.one_of(
    TEXT,
    st.sampled_from(ODD_VALUES),
    st.integers().map(str),
    TEXT.map(lambda s: (s or "x") * (60_000 // max(len(s), 1))),  # huge
)
# A field sent several times where one value is expected: the wrong type.
FIELD_VALUES = st.one_of(VALUES, st.lists(VALUES, min_size=2, max_size=3))


def add_targets():
    """(url, model admin) of every admin add page a superuser may use."""
    superuser = get_user_model()(is_active=True, is_superuser=True)
    for model, model_admin in admin.site._registry.items():
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_add")
        request = RequestFactory().get(url)
        request.user = superuser
        if model_admin.has_add_permission(request):  # not the access logs of django-axes
            yield pytest.param(url, model_admin, id=url)


def admin_request(url, superuser):
    request = RequestFactory().get(url)
    request.user = superuser
    request.resolver_match = resolve(url)
    return request


def form_fields(model_admin, superuser, url):
    """The names an add page posts: its form's fields, its inlines' fields and management forms."""
    request = admin_request(url, superuser)
    names = list(model_admin.get_form(request).base_fields)
    management = {}
    for inline in model_admin.get_inline_instances(request):
        formset = inline.get_formset(request)
        prefix = formset.get_default_prefix()
        names += [f"{prefix}-0-{name}" for name in formset.form.base_fields]
        management[prefix] = [
            f"{prefix}-{key}"
            for key in ("TOTAL_FORMS", "INITIAL_FORMS", "MIN_NUM_FORMS", "MAX_NUM_FORMS")
        ]
    return names, management


@pytest.fixture
def superuser_client(client, db):
    superuser = make.StaffFactory(username="root")
    client.force_login(superuser)
    client.superuser = superuser
    return client


@pytest.mark.parametrize(("url", "model_admin"), list(add_targets()))
def test_admin_add_forms_never_fail_on_bad_input(superuser_client, url, model_admin):
    event = make.EventFactory(slug="fuzz-event")
    names, management = form_fields(model_admin, superuser_client.superuser, url)

    @FUZZ
    @given(
        fields=st.dictionaries(st.sampled_from(names), FIELD_VALUES, max_size=len(names)),
        counts=st.fixed_dictionaries(
            {key: st.sampled_from(["0", "1", "2", "-1", "abc", ""]) for key in management}
        ),
        junk=st.dictionaries(TEXT.filter(bool), VALUES, max_size=2),
    )
    def post(fields, counts, junk):
        data = {**junk, **fields}
        for prefix, count in counts.items():
            total, initial, minimum, maximum = management[prefix]
            data.update({total: count, initial: "0", minimum: "0", maximum: "1000"})
        data.setdefault("event", str(event.pk))
        response = superuser_client.post(url, data)
        assert response.status_code < 500

    post()


def filtered_pages():
    """The pages that read query parameters (lists, search, exports)."""
    return [
        pytest.param(name, page, id=name) for name, page in present_pages().items() if page.filters
    ]


def record_pages():
    """The pages whose address names a record."""
    return [
        pytest.param(name, page, id=name) for name, page in present_pages().items() if page.kwargs
    ]


@pytest.fixture
def journal(db):
    """One public record of each kind, so that every page has an address."""
    event = make.EventFactory(slug="neurips-2022")
    talk = make.TalkFactory(event=event, speakers=[make.SpeakerFactory(slug="yoshua-bengio")])
    make.PaperFactory(event=event, talk=talk)
    make.BoothFactory(event=event)
    make.NoteFactory(event=event, talk=talk, visibility="public")
    event.tags.add("pruning")
    return event


@pytest.mark.parametrize(("name", "page"), filtered_pages())
def test_public_query_parameters_never_fail(client, journal, name, page):
    record = page.model.objects.first() if page.model else None
    base = address(name, record)
    parameters = [*page.filters, "page", "q"]

    @FUZZ
    @given(query=st.dictionaries(st.sampled_from(parameters) | TEXT, FIELD_VALUES, max_size=4))
    def get(query):
        response = client.get(base, query)
        assert response.status_code < 500

    get()


def test_public_addresses_never_fail_on_bad_arguments(client, journal):
    """A record page's own argument (slug or id): one test drawing page and argument."""
    placeholder = "QQPLACEHOLDERQQ"
    # A year's address is built from its event's date: year 1 is the "/1/" replaced.
    first_day = datetime.date(1, 1, 1)
    record = type("Record", (), {"pk": 1, "slug": placeholder, "start_date": first_day})()
    templates = [
        address(name, record).replace("/1/", f"/{placeholder}/")
        for name, page in present_pages().items()
        if page.kwargs
    ]

    @settings(FUZZ, max_examples=4 * len(templates))
    @given(
        template=st.sampled_from(templates),
        argument=VALUES.filter(lambda value: "/" not in value and value.strip()),
    )
    def get(template, argument):
        response = client.get(template.replace(placeholder, quote(argument, safe="")))
        assert response.status_code in (200, 400, 404)

    get()


def nul_form_errors(response, field):
    """The errors of `field` (a plain or an inline field name) on an admin form page."""
    form = response.context["adminform"].form
    if field in form.fields:
        return form.errors.get(field, [])
    prefix, _index, name = field.split("-", 2)
    for inline in response.context["inline_admin_formsets"]:
        if inline.formset.prefix == prefix:
            return inline.formset.forms[0].errors.get(name, [])
    raise AssertionError(field)


@pytest.mark.parametrize(("url", "model_admin"), list(add_targets()))
def test_nul_in_any_admin_text_field_is_a_form_error(superuser_client, url, model_admin):
    request = admin_request(url, superuser_client.superuser)
    names, management = form_fields(model_admin, superuser_client.superuser, url)
    form = model_admin.get_form(request)
    inline_forms = {
        inline.get_formset(request).get_default_prefix(): inline.get_formset(request).form
        for inline in model_admin.get_inline_instances(request)
    }
    text_fields = []
    for name in names:
        if "-0-" in name:
            prefix, _index, field = name.split("-", 2)
            form_field = inline_forms[prefix].base_fields[field]
        else:
            form_field = form.base_fields[name]
        # Every text field: CharField and its kinds (URL, slug, e-mail, tags, passwords).
        if isinstance(form_field, forms.CharField):
            text_fields.append(name)
    assert text_fields
    data = dict.fromkeys(text_fields, "a\x00b")
    for keys in management.values():
        data.update(zip(keys, ["1", "0", "0", "1000"], strict=True))
    before = model_admin.model.objects.count()
    response = superuser_client.post(url, data)
    assert response.status_code == 200
    for name in text_fields:
        assert "Null characters are not allowed." in nul_form_errors(response, name), name
    assert model_admin.model.objects.count() == before
