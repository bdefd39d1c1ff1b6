"""Pages leave compressed when the browser accepts it: on a phone over a slow
connection a team's page is a fifth of its size. Django's GZipMiddleware,
whose random padding (Django 4.2+) and masked CSRF tokens answer the BREACH
attack, except for streams: a live room's events must leave as they
happen, not when a compressor's buffer fills."""

from django.middleware.gzip import GZipMiddleware


class Compress(GZipMiddleware):
    def process_response(self, request, response):
        if response.streaming:
            return response
        return super().process_response(request, response)
