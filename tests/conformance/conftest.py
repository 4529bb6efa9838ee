"""The third-party files in ../shared/conformance (never copied into the project)."""

from __future__ import annotations

from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parents[2].parent / "shared" / "conformance"


def folder(name: str) -> Path:
    path = SHARED / name
    if not path.is_dir():
        pytest.skip(f"conformance material not found at {path}")
    return path


def files(name: str, pattern: str) -> list[str]:
    """File names for parametrize (empty when the folder is absent: the test then skips)."""
    path = SHARED / name
    return sorted(p.name for p in path.glob(pattern)) if path.is_dir() else ["(absent)"]
