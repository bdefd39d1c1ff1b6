# The service's container image (docs/operators.md "Containers").
#
#   make image                     # wheels built on this machine, then docker build
#   docker build -t maturity .     # or straight from PyPI, where the build can reach it
#
# BASE: any Debian-like image with Python 3.11 or newer and its venv module.
# Machines that reach no image registry build one from Debian's own packages
# (scripts/container_base.sh) and pass --build-arg BASE=local/python:3.11-bookworm.
ARG BASE=python:3.12-slim

FROM ${BASE} AS build
WORKDIR /app
COPY . .
# Wheels in build/wheels (make wheels: built with this machine's pip, its
# index and certificates, for the image's Python) are installed as they are,
# nothing fetched; without them pip fetches from PyPI.
RUN python3 -m venv /opt/venv \
 && if ls build/wheels/*.whl >/dev/null 2>&1; then \
      /opt/venv/bin/pip install --no-cache-dir --no-index --find-links build/wheels build/wheels/*.whl; \
    else \
      /opt/venv/bin/pip install --no-cache-dir .; \
    fi \
 && rm -rf build *.egg-info \
 && DEBUG=false SECRET_KEY=collectstatic-only /opt/venv/bin/python manage.py collectstatic --noinput -v 0 \
 && /opt/venv/bin/python -m compileall -q /app

FROM ${BASE}
# The service and its hashed, compressed static files, read-only, owned by
# root; it runs as an unprivileged user that owns nothing (any user id works,
# as OpenShift assigns one).
COPY --from=build /opt/venv /opt/venv
COPY --from=build /app /app
WORKDIR /app
# PYTHONMALLOC=malloc: memory a wave of closed streams held goes back to
# the system (docs/operators.md, "Memory").
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONMALLOC=malloc \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    BIND=0.0.0.0:8000 \
    ACCESS_LOG=true
USER 10001:10001
EXPOSE 8000
# 200 while this container reaches the database (config/healthcheck.py).
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["python", "config/healthcheck.py"]
# The server. Migrations and the shipped models are a one-off before it:
#   docker run --rm --env-file maturity.env IMAGE python manage.py release
CMD ["gunicorn", "-c", "config/gunicorn.conf.py", "config.asgi"]
