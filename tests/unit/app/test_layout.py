"""The layout shows the layers: a handful of top-level modules, and every top-level module
and package says first which layer it belongs to, as the import contract places it."""

from __future__ import annotations

import ast
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
PACKAGE = ROOT / "ecdop"
# The contract's layers, top first, as each docstring names them.
LAYER_NAMES = (
    "Entry points",
    "Reporting",
    "Review",
    "Cases",
    "Identity and administration",
    "Foundation",
)
MOST_TOP_LEVEL_MODULES = 12


def contract_layers() -> dict[str, str]:
    settings = tomllib.loads((ROOT / "pyproject.toml").read_text())
    [layers] = [c["layers"] for c in settings["tool"]["importlinter"]["contracts"]
                if c["type"] == "layers"]  # fmt: skip
    assert len(layers) == len(LAYER_NAMES)
    return {
        member.strip(): name
        for name, layer in zip(LAYER_NAMES, layers, strict=True)
        for member in layer.split(":")
    }


def docstring_of(path: Path) -> str:
    return ast.get_docstring(ast.parse(path.read_text())) or ""


def test_the_top_level_holds_few_modules():
    modules = [path for path in PACKAGE.glob("*.py") if path.name != "__init__.py"]
    assert len(modules) <= MOST_TOP_LEVEL_MODULES, sorted(path.name for path in modules)


def test_every_top_level_module_and_package_begins_by_naming_its_layer():
    layer_of = contract_layers()
    wrong = {}
    for path in sorted(PACKAGE.iterdir()):
        name = path.stem if path.suffix == ".py" else path.name
        source = path if path.suffix == ".py" else path / "__init__.py"
        if name == "__init__" or not source.exists():
            continue
        layer = layer_of.get(name, "not in the contract")
        if not docstring_of(source).startswith(f"{layer}:"):
            wrong[name] = layer
    assert wrong == {}, f"docstrings that do not begin with their layer: {wrong}"
