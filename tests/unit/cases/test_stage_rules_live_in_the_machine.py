"""The stage machine is the only place that knows which stage allows what: outside
``cases/states.py`` and the modules that apply a transition, no code compares a stage."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
PACKAGE = ROOT / "ecdop"
STATES = PACKAGE / "cases" / "states.py"


def names_a_stage(node: ast.AST) -> bool:
    """``Stage.CLOSED``, alone or in a tuple, list or set."""
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
        return node.value.id == "Stage"
    if isinstance(node, ast.Tuple | ast.List | ast.Set):
        return any(names_a_stage(element) for element in node.elts)
    return False


def stage_comparisons(tree: ast.AST) -> list[int]:
    """Lines that compare with a stage: ``==``, ``is``, ``in`` and SQL's ``.in_()``."""
    found = []
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Compare)
            and any(names_a_stage(operand) for operand in (node.left, *node.comparators))
            or (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in ("in_", "not_in")
                and any(names_a_stage(argument) for argument in node.args)
            )
        ):
            found.append(node.lineno)
    return sorted(found)


def applies_a_transition(source: str) -> bool:
    return "apply_transition(" in source


def comparisons_outside_the_machine() -> dict[str, list[int]]:
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        source = path.read_text()
        if path == STATES or applies_a_transition(source):
            continue
        if lines := stage_comparisons(ast.parse(source)):
            found[str(path.relative_to(ROOT))] = lines
    return found


def test_no_stage_is_compared_outside_the_stage_machine():
    assert comparisons_outside_the_machine() == {}


def test_the_check_finds_a_comparison_written_anywhere():
    written = ast.parse(
        "if case.stage is Stage.CLOSED: pass\n"
        "select(Case).where(Case.stage == Stage.NOTIFIED)\n"
        "x = case.stage in (Stage.CLOSED, Stage.WITHDRAWN)\n"
        "y = Case.stage.in_([Stage.READY_FOR_PANEL])\n"
    )
    assert stage_comparisons(written) == [1, 2, 3, 4]
