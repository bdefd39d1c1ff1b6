"""Static files, answered in front of Django (config/asgi.py) by ServeStatic,
WhiteNoise's ASGI-aware fork, configured from the same settings as its
Django middleware (finders in development, the hashed and compressed
manifest after collectstatic, SERVESTATIC_* settings, and the strict
headers from core.security.static_headers).

Not as Django middleware: ServeStatic's middleware runs only on the event
loop, which would put every request's middleware on both sides of a
crossing between the loop and Django's thread, and send the test client
through the loop too. Here a static file never reaches Django, and
everything else reaches it untouched."""

from __future__ import annotations

from django.contrib.staticfiles.storage import HashedFilesMixin
from servestatic.asgi import FileServerASGI
from servestatic.middleware import ServeStaticMiddleware
from servestatic.storage import CompressedManifestStaticFilesStorage
from servestatic.utils import decode_path_info, run_async_in_thread


async def _unused(request):  # pragma: no cover - ServeStatic's middleware wants one
    raise AssertionError("static files are served in front of Django")


class StaticFiles:
    def __init__(self, application):
        self.application = application
        self.files = ServeStaticMiddleware(_unused)
        self.prefix = self.files.static_prefix

    async def __call__(self, scope, receive, send):
        if scope["type"] == "http" and scope["path"].startswith(self.prefix):
            path = decode_path_info(scope["path"])
            if self.files.autorefresh:
                static_file = await run_async_in_thread(self.files.find_file, path)
            else:
                static_file = self.files.files.get(path)
            if static_file is not None:
                return await FileServerASGI(static_file)(scope, receive, send)
        return await self.application(scope, receive, send)


class Storage(CompressedManifestStaticFilesStorage):
    """The hashed, compressed manifest, also naming the hashed file in our
    own JavaScript modules' `import`s (app.js imports NHS.UK frontend's
    module), so that file too is cached for a year like every other. Only
    ours (static/js/): Django's rewriting misreads some vendored scripts."""

    patterns = (
        *CompressedManifestStaticFilesStorage.patterns,
        ("js/*.js", HashedFilesMixin._js_module_import_aggregation_patterns[1]),
    )
