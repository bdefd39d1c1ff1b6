"""The container's health check: /healthz on this container's own server,
asked with a host name the service accepts. Exits 0 on 200, 1 otherwise."""

import os
import sys
import urllib.request

port = os.environ.get("BIND", "0.0.0.0:8000").rsplit(":", 1)[-1]
hosts = [h.strip() for h in os.environ.get("ALLOWED_HOSTS", "").split(",") if h.strip()]
host = next((h for h in hosts if h != "*" and not h.startswith(".")), "localhost")
request = urllib.request.Request(f"http://127.0.0.1:{port}/healthz", headers={"Host": host})
try:
    with urllib.request.urlopen(request, timeout=4) as response:
        sys.exit(0 if response.status == 200 else 1)
except OSError as error:
    print(f"unhealthy: {error}", file=sys.stderr)
    sys.exit(1)
