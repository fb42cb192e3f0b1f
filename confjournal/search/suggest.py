"""Speaker suggestions for the search form's speaker field (static/js/speaker-suggest.js).

`GET /search/speakers/?q=…` answers JSON: up to SUGGESTIONS speakers the viewer
may see (`Speaker.objects.visible_to`) whose name or another spelling contains
the query, folded the way search folds text (NFC, lower case), so 승현 finds
승현준 and "seb" finds Sebastian Seung. Names starting with the query come
first. One database query, whatever the number of speakers.
"""

from django import forms
from django.http import JsonResponse
from django.views.decorators.http import require_GET

from confjournal.search import engine as search_backend
from talks.models import Speaker

SUGGESTIONS = 10
MAX_QUERY = 100


class SuggestForm(forms.Form):
    # Django's CharField turns away NUL characters: a 400, never a 500.
    q = forms.CharField(required=False, strip=False)


def _spellings(name, aliases):
    return [name, *(line.strip() for line in (aliases or "").splitlines() if line.strip())]


def matching_speakers(user, query, limit=SUGGESTIONS):
    """(slug, name, other spellings) of the speakers `user` may see matching `query`."""
    query, _ = search_backend.clean_query(query)
    folded = search_backend.fold(query[:MAX_QUERY]).strip()
    if not folded:
        return []
    # Folding is done here, not by the database: SQLite's LIKE folds ASCII
    # letters only and PostgreSQL's UPPER() differs from Python's lower() on a
    # few letters, so a database filter could miss a spelling search would find.
    # A journal's speakers are a few thousand at most: one query reads them all.
    speakers = Speaker.objects.visible_to(user).values_list("slug", "name", "aliases")
    ranked = []
    for slug, name, aliases in speakers:
        spellings = _spellings(name, aliases)
        folded_spellings = [search_backend.fold(s) for s in spellings]
        if folded_spellings[0].startswith(folded):
            rank = 0
        elif folded in folded_spellings[0]:
            rank = 1
        elif any(folded in s for s in folded_spellings[1:]):
            rank = 2
        else:
            continue
        ranked.append(((rank, folded_spellings[0], slug), slug, name, spellings[1:]))
    ranked.sort(key=lambda item: item[0])
    return [(slug, name, others) for _, slug, name, others in ranked[:limit]]


@require_GET
def speaker_suggestions(request):
    form = SuggestForm(request.GET)
    if not form.is_valid():
        return JsonResponse({"error": "bad query", "speakers": []}, status=400)
    speakers = matching_speakers(request.user, form.cleaned_data["q"])
    response = JsonResponse(
        {
            "speakers": [
                {"slug": slug, "name": name, "aliases": others} for slug, name, others in speakers
            ]
        },
        json_dumps_params={"ensure_ascii": False},
    )
    response["Cache-Control"] = "private, max-age=60"
    return response
