"""Make sure the browser tests have a Chromium, and never let them skip silently.

Order: $CHROMIUM_PATH, the system's Chromium (Debian's package, as on our
machines and in CI), then Playwright's own build (downloaded where the
network allows). Fails loudly when none can be had.
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

CANDIDATES = ["chromium", "chromium-browser", "google-chrome"]


def system_chromium() -> str | None:
    explicit = os.environ.get("CHROMIUM_PATH")
    if explicit:
        return explicit if Path(explicit).exists() else None
    for name in CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    return None


def playwright_chromium() -> str | None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        path = p.chromium.executable_path
    return path if Path(path).exists() else None


def main() -> int:
    path = system_chromium() or playwright_chromium()
    if path:
        print(f"Browser tests will use {path}")
        return 0
    print("No Chromium found; asking Playwright to install its own.")
    result = subprocess.run([sys.executable, "-m", "playwright", "install", "chromium"])
    if result.returncode == 0 and playwright_chromium():
        return 0
    print(
        "ERROR: no Chromium for the browser tests. Install one (Debian: "
        "apt-get install chromium) or set CHROMIUM_PATH.",
        file=sys.stderr,
    )
    return 1


if __name__ == "__main__":
    sys.exit(main())
