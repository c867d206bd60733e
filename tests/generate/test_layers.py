"""The generator's modules import each other in one direction only: model, then cases and writers, then chain."""

from __future__ import annotations

import ast
from pathlib import Path

import dossierlink.synth

SYNTH = Path(dossierlink.synth.__file__).resolve().parent

# What each module may import of the generator: a writer knows the model, never the making of cases.
ALLOWED = {
    "model": set(),
    "output": set(),
    "cases": {"model"},
    "inventory": {"model"},
    "paper": {"model", "output", "inventory"},
    "exports": {"model", "output"},
    "chain": {"model", "output", "cases", "paper", "exports"},
    "__init__": {"model", "chain"},
}


def _synth_imports(path: Path) -> list[tuple[str, int]]:
    """(module, line) of every import of a dossierlink.synth module, at any depth of the file."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("dossierlink.synth."):
            found.append((node.module.removeprefix("dossierlink.synth."), node.lineno))
        elif isinstance(node, ast.Import):
            found.extend(
                (a.name.removeprefix("dossierlink.synth."), node.lineno)
                for a in node.names
                if a.name.startswith("dossierlink.synth.")
            )
    return found


def test_every_generator_module_has_its_place_in_the_layers() -> None:
    assert {p.stem for p in SYNTH.glob("*.py")} == set(ALLOWED)


def test_the_generator_modules_import_only_the_layers_below_them() -> None:
    for name, allowed in ALLOWED.items():
        for module, line in _synth_imports(SYNTH / f"{name}.py"):
            assert module in allowed, f"synth/{name}.py:{line} imports synth.{module}"


def test_the_generator_imports_its_own_modules_at_the_top_only() -> None:
    for path in SYNTH.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        top = {node.lineno for node in tree.body if isinstance(node, ast.Import | ast.ImportFrom)}
        for module, line in _synth_imports(path):
            assert line in top, f"synth/{path.name}:{line} imports synth.{module} inside a function"
