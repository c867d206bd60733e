"""A release a new user can install: the README's commands, a wheel with its samples, licence and docs."""

from __future__ import annotations

import shutil
import tomllib
from pathlib import Path

import pytest

import dossierlink
from dossierlink import __version__
from dossierlink.demo import find_samples
from tools.readme_commands import readme_commands

REPO = Path(__file__).resolve().parents[2]
PYPROJECT = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))


def test_the_readme_opens_with_the_demo_and_the_test_suite() -> None:
    demo, tests = readme_commands((REPO / "README.md").read_text(encoding="utf-8"))
    assert demo.startswith("pip install . && dossierlink demo")
    assert tests.startswith("pip install -e '.[test]' && pytest")


def test_ci_runs_the_readme_commands_it_reads_rather_than_a_copy() -> None:
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    assert "tools/readme_commands.py README.md" in ci
    assert "git clone" in ci and "pip wheel" in ci and "mkdocs build --strict" in ci
    for command in readme_commands((REPO / "README.md").read_text(encoding="utf-8")):
        assert command.split("#")[0].strip() not in ci


def test_a_readme_without_two_commands_on_top_is_refused() -> None:
    with pytest.raises(ValueError, match="has 1 lines"):
        readme_commands("# x\n\n```sh\npip install .\n```\n")
    with pytest.raises(ValueError, match="no ```sh block"):
        readme_commands("# x\n")


def test_the_demo_finds_the_samples_installed_with_the_package(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A wheel's layout: site-packages/dossierlink/{__init__.py, samples/}, no checkout beside it.
    site = tmp_path / "site-packages" / "dossierlink"
    (site / "samples" / "exports").mkdir(parents=True)
    (site / "__init__.py").write_text("", encoding="utf-8")
    monkeypatch.setattr(dossierlink, "__file__", str(site / "__init__.py"))
    monkeypatch.chdir(tmp_path)
    assert find_samples() == site / "samples"
    shutil.rmtree(site / "samples")
    with pytest.raises(FileNotFoundError, match="installation is incomplete"):
        find_samples()


def test_samples_given_explicitly_must_be_a_samples_folder(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="no exports/ folder"):
        find_samples(tmp_path)


def test_the_wheel_carries_samples_docs_and_the_licence() -> None:
    tool = PYPROJECT["tool"]["setuptools"]
    assert tool["package-dir"]["dossierlink.samples"] == "samples"
    assert tool["package-dir"]["dossierlink.docs"] == "docs"
    assert {"dossierlink.samples", "dossierlink.docs"} <= set(tool["packages"])
    assert tool["package-data"]["dossierlink.samples"] == ["**/*"]
    assert PYPROJECT["project"]["license-files"] == ["LICENSE"]


def test_the_metadata_says_what_and_under_which_licence() -> None:
    project = PYPROJECT["project"]
    assert project["license"] == "EUPL-1.2"
    assert (
        (REPO / "LICENSE")
        .read_text(encoding="utf-8")
        .lstrip()
        .startswith("EUROPEAN UNION PUBLIC LICENCE v. 1.2")
    )
    assert {"Homepage", "Documentation", "Source", "Issues", "Changelog"} <= set(project["urls"])
    assert "strafrechtketen" in project["keywords"]
    assert "Programming Language :: Python :: 3.11" in project["classifiers"]
    assert not any(c.startswith("License ::") for c in project["classifiers"])  # PEP 639: the expression


def test_the_changelog_has_this_release() -> None:
    changelog = (REPO / "CHANGELOG.md").read_text(encoding="utf-8")
    assert f"## [{__version__}] - " in changelog
    assert "## [Unreleased]" in changelog


def test_the_unit_waits_for_ready_and_restarts_on_could_not_run_only() -> None:
    unit = (REPO / "docs" / "dossierlink.service").read_text(encoding="utf-8")
    assert "\nType=notify\n" in unit and "\nWatchdogSec=" in unit
    assert "\nRestartPreventExitStatus=2\n" in unit  # bad configuration; 3 (lock held) is retried
