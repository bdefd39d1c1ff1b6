"""Throwaway TLS certificates for the tests' servers (the trial's own)."""

from __future__ import annotations

from pathlib import Path

from config.trial_certificate import write


def self_signed(directory: Path) -> tuple[Path, Path]:
    """A certificate and its key for 127.0.0.1 and localhost in `directory`,
    as the organisation's own authority would issue for a relay or a proxy."""
    return write(directory, days=1)
