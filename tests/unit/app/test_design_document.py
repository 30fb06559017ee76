"""The design the code cites is written down: every "docs/DESIGN.md rule N" in the project
names a rule that docs/DESIGN.md has."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
DESIGN = ROOT / "docs" / "DESIGN.md"
CITATION = re.compile(r"DESIGN(?:\.md)?,? rule (\d+)")
CITING = ("ecdop/**/*.py", "tests/**/*.py", "templates/**/*.html", "Makefile", "pyproject.toml",
          "README.md", "config.py", "benchmarks/*.py")  # fmt: skip


def rules_written() -> set[int]:
    return {int(n) for n in re.findall(r"^(\d+)\. \*\*", DESIGN.read_text(), re.MULTILINE)}


def citations() -> dict[str, set[int]]:
    found: dict[str, set[int]] = {}
    for pattern in CITING:
        for path in ROOT.glob(pattern):
            if path == Path(__file__):
                continue
            for number in CITATION.findall(path.read_text(encoding="utf-8")):
                found.setdefault(str(path.relative_to(ROOT)), set()).add(int(number))
    return found


def test_every_rule_the_project_cites_is_in_the_design():
    written = rules_written()
    assert written == set(range(1, len(written) + 1)), "rules are numbered 1, 2, 3…"
    cited = citations()
    assert cited, "the layers' contract cites its rule"
    missing = {path: numbers - written for path, numbers in cited.items() if numbers - written}
    assert missing == {}, f"cited rules docs/DESIGN.md does not have: {missing}"
