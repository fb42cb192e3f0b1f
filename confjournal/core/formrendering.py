"""How form widgets are rendered: Django's own Jinja2 templates first.

Django renders every widget through a template, and with its template language a text
input or a checkbox costs ~0.25 ms: the admin's entry forms and the talk list's
"attended" boxes render hundreds of them (a 778-talk event's change page: 355). Django
ships the same templates for Jinja2 (django/forms/jinja2), which render them several
times faster, with the same markup. The widgets the admin adds (dates, related-object
links, autocompletes) and our own have templates for Django's engine only, and are
rendered by it. Set as FORM_RENDERER.
"""

from django.forms.renderers import BaseRenderer, DjangoTemplates, Jinja2
from django.template import TemplateDoesNotExist


class JinjaFirst(BaseRenderer):
    """Django's Jinja2 widget templates, else the template engine's (admin widgets)."""

    jinja2, django = Jinja2(), DjangoTemplates()

    def get_template(self, template_name):
        try:
            return self.jinja2.get_template(template_name)
        except TemplateDoesNotExist:
            return self.django.get_template(template_name)
