"""What a request leaves behind, freed as it ends rather than by the
collector.

Django's request holds itself in cycles (its lazy user, its messages,
its htmx details each keep the request), and so does every template
context (each level pushed onto it keeps the context). Objects in a cycle
are not freed when their request ends: they wait for the collector, which
stops every thread while it looks through them. Measured on `make bench`'s
service at 200 live workshops: every 2 s a collection found 30,000 such
objects, the pages', posts' and drawings' of the moment, and took 50-80 ms,
which every answer in flight waited out.

Here the request is emptied once its response is closed (the server has
sent it), and a context once its template has been drawn. What they held
is then freed at once, by reference counting, by the thread that used it.
"""

from __future__ import annotations

import django
from django.core.handlers.wsgi import WSGIHandler, WSGIRequest
from django.template.backends.django import DjangoTemplates, reraise
from django.template.backends.django import Template as DjangoTemplate
from django.template.context import make_context
from django.template.exceptions import TemplateDoesNotExist


class Request(WSGIRequest):
    def close(self):
        super().close()
        # The last thing Django does with a request: its response, sent,
        # is closed (response.close() calls this).
        self.__dict__.clear()


class Handler(WSGIHandler):
    request_class = Request


def wsgi_application() -> Handler:
    """Django's get_wsgi_application(), with the request above."""
    django.setup(set_prefix=False)
    return Handler()


class Template(DjangoTemplate):
    def render(self, context=None, request=None):
        # As Django's, then the context let go of what it holds.
        context = make_context(context, request, autoescape=self.backend.engine.autoescape)
        try:
            return self.template.render(context)
        except TemplateDoesNotExist as exc:
            reraise(exc, self.backend)
        finally:
            context.dicts.clear()
            context.render_context.dicts.clear()


class Templates(DjangoTemplates):
    """Django's template engine, its templates' contexts emptied once drawn."""

    def from_string(self, template_code):
        return Template(super().from_string(template_code).template, self)

    def get_template(self, template_name):
        return Template(super().get_template(template_name).template, self)
