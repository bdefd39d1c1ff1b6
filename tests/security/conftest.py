"""Fixtures for the security tests live in tests/security/world.py, so the
browser tests (tests/e2e/test_pages.py) can use them too."""

from tests.security.world import personas_fixture, world_fixture  # noqa: F401
