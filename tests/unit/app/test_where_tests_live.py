"""A package's tests are found by its name: each sits in tests/unit/<package>/ or
tests/integration/<package>/, and is marked with the package, so that
``make test PYTEST_ARGS="-m deadlines"`` runs the deadlines tests and no others."""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
TESTS = ROOT / "tests"
# The entry points' modules (the factory, errors, readiness, jobs, commands) share one folder.
ENTRY_POINTS = "app"


def packages() -> set[str]:
    return {path.parent.name for path in (ROOT / "ecdop").glob("*/__init__.py")} | {ENTRY_POINTS}


def test_every_test_file_sits_in_a_folder_named_after_a_package():
    misplaced = []
    for kind in ("unit", "integration"):
        for test_file in (TESTS / kind).rglob("test_*.py"):
            folder = test_file.relative_to(TESTS / kind).parts[0]
            if folder not in packages() or test_file.parent != TESTS / kind / folder:
                misplaced.append(str(test_file.relative_to(ROOT)))
    assert misplaced == []


def test_every_package_folder_has_its_marker():
    settings = tomllib.loads((ROOT / "pyproject.toml").read_text())
    markers = settings["tool"]["pytest"]["ini_options"]["markers"]
    registered = {line.split(":")[0] for line in markers}
    folders = {
        path.name
        for kind in ("unit", "integration")
        for path in (TESTS / kind).iterdir()
        if path.is_dir() and path.name != "__pycache__"
    }
    assert folders <= registered
