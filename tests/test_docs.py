"""The README and the guides in docs/ stay true: every link and anchor
resolves, every picture exists and says what it shows, every service URL
they name is one the service answers, and every command they show exists
in the Makefile or manage.py."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest
from django.core.management import get_commands
from django.urls import Resolver404, resolve

ROOT = Path(__file__).resolve().parent.parent
GUIDES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]

LINK = re.compile(r"(!?)\[((?:[^\]\[]|\[[^\]]*\])*)\]\(([^)\s]+)\)")
IMG_TAG = re.compile(r"<img\s[^>]*>")
CODE_SPAN = re.compile(r"`([^`\n]+)`")
FENCE = re.compile(r"^```[^\n]*\n(.*?)^```", re.S | re.M)
# Paths in backticks that are not the service's: the kernel's files, a
# server's files (where the guide installs things), the identity provider's
# discovery document, the suffix the server routes on.
NOT_OURS = ("/proc/", "/etc/", "/opt/", "/.well-known/")
SUFFIXES = {"/events/"}
PLACEHOLDER = {"<slug>": "a-team", "<id>": "1", "<pk>": "1", "<key>": "a-model", "<code>": "ABCDEF"}


def _text(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def _prose(text: str) -> str:
    """The text outside fenced code blocks (links there are not links)."""
    return FENCE.sub("", text)


def anchors(path: Path) -> set[str]:
    """GitHub's anchors for a Markdown file's headings."""
    found, seen = set(), {}
    for line in _prose(_text(path)).splitlines():
        match = re.match(r"^#{1,6} (.+?)\s*$", line)
        if not match:
            continue
        slug = "".join(
            c
            for c in match.group(1).strip().lower()
            if c in " -_" or unicodedata.category(c)[0] in "LN"
        ).replace(" ", "-")
        n = seen.get(slug, 0)
        seen[slug] = n + 1
        found.add(slug if n == 0 else f"{slug}-{n}")
    return found


def links(path: Path) -> list[tuple[bool, str, str]]:
    """(is a picture, its text or alt, its target) for every link."""
    prose = _prose(_text(path))
    found = [(bang == "!", text, target) for bang, text, target in LINK.findall(prose)]
    for tag in IMG_TAG.findall(prose):
        src = re.search(r'src="([^"]+)"', tag)
        alt = re.search(r'alt="([^"]*)"', tag)
        found.append((True, alt.group(1) if alt else "", src.group(1) if src else ""))
    return found


def test_the_guides_are_there():
    names = {p.name for p in GUIDES}
    assert {"facilitators.md", "teams.md", "admins.md", "operators.md", "contributors.md"} <= names
    readme = _text(ROOT / "README.md")
    assert "make run" in readme and "make test" in readme
    assert len(readme.splitlines()) <= 150


@pytest.mark.parametrize("path", GUIDES, ids=lambda p: p.name)
def test_every_link_and_anchor_resolves(path):
    broken = []
    for _, text, target in links(path):
        if re.match(r"^(https?:|mailto:)", target):
            continue
        file_part, _, anchor = target.partition("#")
        linked = (path.parent / file_part).resolve() if file_part else path
        if not linked.exists():
            broken.append(f"[{text}]({target}): no file {file_part}")
        elif anchor and linked.suffix == ".md" and anchor not in anchors(linked):
            broken.append(f"[{text}]({target}): no heading #{anchor} in {linked.name}")
    assert not broken, f"{path.name}:\n  " + "\n  ".join(broken)


@pytest.mark.parametrize("path", GUIDES, ids=lambda p: p.name)
def test_every_picture_exists_and_says_what_it_shows(path):
    pictures = [(alt, target) for is_picture, alt, target in links(path) if is_picture]
    for alt, target in pictures:
        assert (path.parent / target).is_file(), f"{path.name}: no picture {target}"
        assert len(alt.split()) >= 4, (
            f"{path.name}: {target} needs alt text that says what it shows"
        )


def service_paths(text: str) -> set[str]:
    return {
        span
        for span in CODE_SPAN.findall(text)
        if span.startswith("/")
        and " " not in span
        and not span.startswith(NOT_OURS)
        and span not in SUFFIXES
    }


@pytest.mark.parametrize("path", GUIDES, ids=lambda p: p.name)
def test_every_service_url_named_is_one_the_service_answers(path):
    unknown = []
    for named in sorted(service_paths(_text(path))):
        url = named.split("?")[0]
        for placeholder, value in PLACEHOLDER.items():
            url = url.replace(placeholder, value)
        try:
            resolve(url)
        except Resolver404:
            unknown.append(named)
    assert not unknown, f"{path.name} names URLs the service does not have: {unknown}"


def make_targets() -> set[str]:
    return set(re.findall(r"^([a-z][\w-]*):", _text(ROOT / "Makefile"), re.M))


@pytest.mark.parametrize("path", GUIDES, ids=lambda p: p.name)
def test_every_command_shown_exists(path):
    text = _text(path)
    code = "\n".join(FENCE.findall(text) + CODE_SPAN.findall(text))
    targets, commands = make_targets(), set(get_commands())
    missing = [f"make {t}" for t in re.findall(r"\bmake ([a-z][\w-]*)", code) if t not in targets]
    missing += [
        f"manage.py {c}" for c in re.findall(r"manage\.py ([a-z_]+)", code) if c not in commands
    ]
    assert not missing, f"{path.name} shows commands that do not exist: {sorted(set(missing))}"


def test_the_checks_find_what_is_broken(tmp_path):
    """The checks above can fail: a made-up anchor, picture, URL and command."""
    page = tmp_path / "page.md"
    page.write_text(
        "# Title\n\n[a](#nowhere) ![x](none.png) `/no-such-page/` `make nothing-here`\n"
    )
    assert anchors(page) == {"title"}
    assert [t for *_, t in links(page)] == ["#nowhere", "none.png"]
    assert service_paths(page.read_text()) == {"/no-such-page/"}
    with pytest.raises(Resolver404):
        resolve("/no-such-page/")
    assert "nothing-here" not in make_targets()


# Where the service reads its environment: the settings and gunicorn's file.
READERS = [ROOT / "config" / "settings.py", ROOT / "config" / "gunicorn.conf.py"]
READ = re.compile(r"""(?:environ\.get|environ\[|\benv_\w+)\(?\s*["']([A-Z][A-Z0-9_]*)["']""")
ANY_READ = re.compile(r"""(?:environ\.get\(|environ\[|\benv_\w+\()\s*(?!["'])(\w+)""")


def environment_read() -> set[str]:
    names = set()
    for path in READERS:
        code = _text(path)
        names |= set(READ.findall(code))
        # A name read through a variable would escape the table: only the
        # helpers' own parameter may be one.
        assert set(ANY_READ.findall(code)) <= {"name"}, path
    return names


def settings_table() -> set[str]:
    text = _text(ROOT / "docs" / "operators.md")
    section = text.split("\n## Configuration\n", 1)[1].split("\n#", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("| `")]
    return {name for row in rows for name in CODE_SPAN.findall(row.split(" | ")[0])}


def test_the_settings_table_lists_exactly_the_variables_the_service_reads():
    read, listed = environment_read(), settings_table()
    assert len(read) > 50
    assert not read - listed, f"read but not in the guide's table: {sorted(read - listed)}"
    assert not listed - read, f"in the guide's table but never read: {sorted(listed - read)}"
