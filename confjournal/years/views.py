"""The year in review as a page and as Markdown."""

from django.contrib.auth.models import AnonymousUser
from django.http import Http404
from django.shortcuts import render

from confjournal.web.conditional import journal_conditional
from confjournal.years.review import review_markdown, summary, year_in_review
from events.models import attach_topics
from talks.views import text_response


def _review(year, user):
    # The address takes any digits; a date's year has four.
    review = year_in_review(year, user) if 1 <= year <= 9999 else None
    if review is None:
        raise Http404("No events that year.")
    return review


def year_page(request, year):
    """What `year` held, as the viewer may see it."""
    review = _review(year, request.user)
    attach_topics(review.rated, review.highlights)
    context = {"review": review, "summary": summary(review)}
    return render(request, "years/year.html", context)


@journal_conditional
def year_markdown(request, year):
    """The year in review in Markdown for a blog post: what a visitor may see, whoever
    asks, like the other exports, so a paste never carries a private record."""
    review = _review(year, AnonymousUser())
    text = review_markdown(review, absolute=request.build_absolute_uri)
    return text_response(text, "text/plain", f"{year}-in-review.md")
