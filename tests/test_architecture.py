"""The house rules of docs/architecture.md, checked from the source: who may import whom.

Read statically (``ast``), so a rule holds whether or not a code path runs: every ``import`` in a
module counts, also inside functions (a function-level import that only dodges a circle is still a
circle). Imports under ``if TYPE_CHECKING:`` are left out: they never run.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
PACKAGE = REPO / "dossierlink"

# The functional core: pure values and rules. It imports nothing of the shell around it.
CORE = ("dossierlink.identifiers", "dossierlink.schema", "dossierlink.fingerprint", "dossierlink.reconcile")
# What reconcile/ may import of dossierlink: the core and nothing else (no store, PDF, daemon).
RECONCILE_MAY_IMPORT = CORE
# Standard-library and third-party modules that mean I/O, a clock of its own, or processes.
IMPURE = (
    "sqlite3", "sqlite_utils", "pypdf", "watchdog", "click", "importlib", "multiprocessing",
    "subprocess", "socket", "os", "pathlib", "shutil", "tempfile", "time", "logging",
)  # fmt: skip
# Only these talk to a terminal through click.
CLICK_USERS = ("dossierlink.cli",)


def module_name(path: Path) -> str:
    parts = list(path.relative_to(REPO).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES: dict[str, Path] = {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _type_checking_only(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _walk(node: ast.AST) -> Iterator[ast.AST]:
    for child in ast.iter_child_nodes(node):
        if isinstance(child, ast.If) and _type_checking_only(child):
            yield from (n for stmt in child.orelse for n in [stmt, *_walk(stmt)])
            continue
        yield child
        yield from _walk(child)


def imports_of(name: str) -> list[tuple[str, tuple[str, ...], int]]:
    """(imported module, names taken from it, line) for every import the module makes."""
    path = MODULES[name]
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: list[tuple[str, tuple[str, ...], int]] = []
    for node in _walk(tree):
        if isinstance(node, ast.Import):
            found.extend((alias.name, (), node.lineno) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            names = tuple(alias.name for alias in node.names)
            # ``from pkg import submodule`` imports the submodule itself.
            subs = [f"{base}.{n}" for n in names if f"{base}.{n}" in MODULES]
            found.extend((sub, (), node.lineno) for sub in subs)
            if len(subs) < len(names):
                found.append((base, tuple(n for n in names if f"{base}.{n}" not in MODULES), node.lineno))
    return found


def internal_edges() -> dict[str, set[str]]:
    edges: dict[str, set[str]] = {name: set() for name in MODULES}
    for name in MODULES:
        for target, _, _ in imports_of(name):
            if target in MODULES and target != name:
                edges[name].add(target)
    return edges


def within(name: str, prefixes: tuple[str, ...]) -> bool:
    return any(name == p or name.startswith(p + ".") for p in prefixes)


def test_the_package_has_no_import_circles() -> None:
    edges = internal_edges()
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    circles: list[list[str]] = []

    def visit(v: str) -> None:  # Tarjan's strongly connected components
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(edges[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                circles.append(sorted(component))

    for v in sorted(edges):
        if v not in index:
            visit(v)
    assert not circles, f"import circles: {circles}"


@pytest.mark.parametrize("name", [n for n in MODULES if within(n, CORE)])
def test_the_core_imports_nothing_of_the_shell(name: str) -> None:
    wrong = [
        f"line {line}: {target}"
        for target, _, line in imports_of(name)
        if target.split(".")[0] == "dossierlink" and target != "dossierlink" and not within(target, CORE)
    ]
    wrong += [
        f"line {line}: {target}" for target, _, line in imports_of(name) if target.split(".")[0] in IMPURE
    ]
    assert not wrong, f"{name} reaches outside the pure core: {wrong}"


@pytest.mark.parametrize("name", [n for n in MODULES if within(n, ("dossierlink.reconcile",))])
def test_reconcile_reaches_only_schema_identifiers_fingerprint_and_itself(name: str) -> None:
    wrong = [
        f"line {line}: {target}"
        for target, _, line in imports_of(name)
        if target.startswith("dossierlink") and not within(target, RECONCILE_MAY_IMPORT)
    ]
    assert not wrong, f"{name}: {wrong}"


def test_the_core_finds_adapters_only_through_entry_points() -> None:
    wrong = [
        f"{name} line {line}: {target}"
        for name in MODULES
        for target, _, line in imports_of(name)
        if within(target, ("dossierlink.adapters", "adapters"))
    ]
    assert not wrong, wrong


def test_only_the_cli_speaks_click() -> None:
    wrong = [
        f"{name} line {line}"
        for name in MODULES
        if not within(name, CLICK_USERS)
        for target, _, line in imports_of(name)
        if target.split(".")[0] == "click"
    ]
    assert not wrong, wrong


def test_no_package_takes_private_names_from_another() -> None:
    """A leading underscore is a module's own business: other packages use its public face."""

    def package_of(name: str) -> str:
        parts = name.split(".")
        return ".".join(parts[:2]) if len(parts) > 1 else name

    wrong = [
        f"{name} line {line}: {target}.{taken}"
        for name in MODULES
        for target, names, line in imports_of(name)
        if target.startswith("dossierlink") and package_of(target) != package_of(name)
        for taken in names
        if taken.startswith("_") and not taken.startswith("__")
    ]
    assert not wrong, wrong


def test_nothing_in_the_shell_is_imported_by_a_lower_room() -> None:
    """The cli, the daemon and the web view sit on top: no other part of dossierlink imports them
    (the cli starts the other two)."""
    top = ("dossierlink.cli", "dossierlink.sync", "dossierlink.web", "dossierlink.__main__")
    wrong = [
        f"{name} line {line}: {target}"
        for name in MODULES
        if not within(name, top)
        for target, _, line in imports_of(name)
        if within(target, top)
    ]
    assert not wrong, wrong


def test_dev_tools_are_not_in_the_installed_package() -> None:
    assert not [n for n in MODULES if "scanmaker" in n], "the scan maker is a dev tool: it lives in tools/"


# What each part may import of dossierlink: the "may import" column of docs/architecture.md.
ALLOWED: dict[str, frozenset[str]] = {
    "identifiers": frozenset(),
    "fingerprint": frozenset(),
    "_version": frozenset(),
    "errors": frozenset(),
    "pinned": frozenset(),
    "schema": frozenset({"identifiers"}),
    "privacy": frozenset({"identifiers", "schema"}),
    "convert": frozenset({"identifiers", "schema"}),
    "reconcile": frozenset({"identifiers", "schema", "fingerprint"}),
    "synth": frozenset({"identifiers", "schema"}),
    "config": frozenset({"identifiers", "schema", "ingest"}),
    "store": frozenset({"identifiers", "schema", "convert", "reconcile"}),
    "paper": frozenset({"identifiers", "schema", "fingerprint", "errors", "pinned"}),
    "ingest": frozenset(
        {"identifiers", "schema", "fingerprint", "errors", "pinned", "privacy", "paper", "store"}
    ),
    "report": frozenset({"identifiers", "schema", "privacy", "convert", "reconcile", "store", "_version"}),
    "api": frozenset(
        {
            "identifiers",
            "schema",
            "fingerprint",
            "errors",
            "pinned",
            "privacy",
            "convert",
            "config",
            "reconcile",
            "store",
        }
        | {"ingest", "paper", "report"}
    ),
    "demo": frozenset({"__init__", "api"}),
    "sync": frozenset(
        {
            "identifiers",
            "schema",
            "pinned",
            "privacy",
            "config",
            "reconcile",
            "store",
            "ingest",
            "paper",
            "api",
        }
    ),
    "web": frozenset(
        {"identifiers", "schema", "privacy", "convert", "config", "store", "report", "api", "_version"}
    ),
    "__init__": frozenset({"_version", "api"}),
    "pull": frozenset({"store"}),
}


def _part(name: str) -> str:
    parts = name.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


@pytest.mark.parametrize("part", sorted(ALLOWED))
def test_each_part_imports_only_what_the_architecture_allows(part: str) -> None:
    wrong = sorted(
        f"{name} line {line}: {target}"
        for name in MODULES
        if _part(name) == part
        for target, _, line in imports_of(name)
        if (target == "dossierlink" or target.startswith("dossierlink."))
        and _part(target) != part
        and _part(target) not in ALLOWED[part]
    )
    assert not wrong, wrong


def test_adapters_use_only_the_public_faces_of_the_core() -> None:
    allowed = ("dossierlink.ingest", "dossierlink.schema", "dossierlink.identifiers", "dossierlink.paper")
    wrong = []
    for path in sorted((REPO / "adapters").glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in _walk(tree):
            if (
                isinstance(node, ast.ImportFrom)
                and not node.level
                and (node.module or "").startswith("dossierlink")
            ) and not within(node.module or "", allowed):
                wrong.append(f"{path.name} line {node.lineno}: {node.module}")
    assert not wrong, wrong
