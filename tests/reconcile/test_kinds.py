"""Every divergence kind is described once, with every part the chain derives from it."""

from __future__ import annotations

import ast
import re
import string
from pathlib import Path

import pytest

from dossierlink.reconcile import (
    DEFAULT_SEVERITIES,
    KIND_ABBREVIATIONS,
    KINDS,
    RULES,
    KindSpec,
    kind_spec,
)
from dossierlink.reconcile.kinds import Text, say
from dossierlink.report.actions import _BUILDERS, _OWN_ACTIONS
from dossierlink.report.messages import kind_label, t
from dossierlink.report.validate import load_schema
from dossierlink.schema import DivergenceKind, Severity

ROOT = Path(__file__).resolve().parents[2]


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def test_every_kind_has_exactly_one_description_in_enum_order() -> None:
    assert [spec.kind for spec in KINDS] == list(DivergenceKind)


def test_the_id_prefixes_are_two_capitals_and_unique() -> None:
    prefixes = [spec.prefix for spec in KINDS]
    assert len(set(prefixes)) == len(prefixes)
    assert all(re.fullmatch(r"[A-Z]{2}", p) for p in prefixes)


@pytest.mark.parametrize("spec", KINDS, ids=lambda s: s.kind.value)
def test_a_kind_has_every_part(spec: KindSpec) -> None:
    kind = spec.kind
    # severity and id prefix, as the configuration and the ids read them
    assert isinstance(spec.severity, Severity)
    assert DEFAULT_SEVERITIES[kind] is spec.severity
    assert KIND_ABBREVIATIONS[kind] == spec.prefix
    assert spec.meaning and spec.acts
    # labels in both languages, in the reports' catalogue
    assert spec.label.nl and spec.label.en and spec.label.nl != spec.label.en
    assert kind_label("nl", kind.value) == spec.label.nl
    assert kind_label("en", kind.value) == spec.label.en
    # the rule's sentences: a message and a why, each in Dutch and English with the same values
    names = set(spec.messages)
    assert any(n == "message" or n.startswith("message.") for n in names)
    assert any(n == "why" or n.startswith("why.") for n in names)
    for name, text in spec.messages.items():
        assert text.nl and text.en and text.nl != text.en, name
        assert _fields(text.nl) == _fields(text.en), name
        values = dict.fromkeys(_fields(text.nl), "X")
        assert say(kind, name, **values) == text.nl.format(**values)
        assert say(kind, name, "en", **values) == text.en.format(**values)
    # an action: its own function, or the document action over the kind's main text
    assert kind in _BUILDERS
    if kind not in _OWN_ACTIONS:
        assert "" in spec.actions
    for name, text in spec.actions.items():
        key = f"act.{kind.value}.{name}" if name else f"act.{kind.value}"
        assert t("nl", key) == text.nl and t("en", key) == text.en, key
        assert _fields(text.nl) == _fields(text.en), key
    # the JSON report's schema entry
    assert kind.value in load_schema()["$defs"]["kind"]["enum"]
    # a rule in RULES, named after the kind
    assert kind.value in {rule.__name__ for rule in RULES}
    assert kind_spec(kind) is spec


def test_rules_has_one_rule_per_kind_and_no_other() -> None:
    assert sorted(rule.__name__ for rule in RULES) == sorted(k.value for k in DivergenceKind)


def test_every_sentence_a_rule_formats_is_described() -> None:
    tree = ast.parse((ROOT / "dossierlink" / "reconcile" / "rules.py").read_text(encoding="utf-8"))
    used: list[tuple[str, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "say":
            kind, chosen = node.args[0], node.args[1]
            assert isinstance(kind, ast.Attribute)
            # A name may be chosen by a condition: every string in it is a message name.
            used.extend(
                (kind.attr, n.value)
                for n in ast.walk(chosen)
                if isinstance(n, ast.Constant) and isinstance(n.value, str)
            )
    assert len(used) > 20
    for member, message in used:
        assert message in kind_spec(DivergenceKind[member]).messages, (member, message)


def test_a_text_falls_back_to_dutch_for_an_unknown_language() -> None:
    assert Text("ja", "yes").get("fy") == "ja"


def test_the_documented_id_prefixes_are_the_described_ones() -> None:
    doc = (ROOT / "docs" / "reconcile.md").read_text(encoding="utf-8")
    rows = dict(re.findall(r"^\| ([a-z_]+) \| ([A-Z]{2}) \|", doc, re.MULTILINE))
    assert rows == {spec.kind.value: spec.prefix for spec in KINDS}
