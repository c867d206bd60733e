"""The TOML configuration: what a chain operator writes, and every mistake `config check` must name."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from dossierlink.config import DEFAULT_IGNORE, Config, ConfigError
from dossierlink.schema import Medium

REPO = Path(__file__).resolve().parents[2]
ADAPTERS = {"politie": object(), "scan": object(), "om": object()}


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "dossierlink.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_courts_scan_inbox_is_read_with_paths_relative_to_the_config_file(tmp_path: Path) -> None:
    (tmp_path / "scans" / "rechtbank").mkdir(parents=True)
    config = Config.load(
        write(
            tmp_path,
            """
            [store]
            path = "keten.db"
            [sync]
            quarantine = "quarantaine"
            stability_seconds = 2
            workers = 3
            [[inbox]]
            path = "scans/rechtbank"
            adapter = "scan"
            organisation = "rechtspraak"
            medium = "paper"
            mode = "poll"
            poll_interval = 10
            ignore = ["*.bak"]
            options = { ocr = true }
            [reconcile]
            handover_days = 30
            [organisations]
            hof-den-haag = "Gerechtshof Den Haag"
            """,
        )
    )
    assert config.check(adapters=ADAPTERS) == []
    assert config.store_path == tmp_path / "keten.db"
    assert config.sync.quarantine == tmp_path / "quarantaine"
    assert (config.sync.stability_seconds, config.sync.workers, config.sync.archive) == (2.0, 3, None)
    (inbox,) = config.inboxes
    assert inbox.path == tmp_path / "scans" / "rechtbank"
    assert (inbox.adapter, inbox.organisation, inbox.medium, inbox.mode) == (
        "scan",
        "rechtspraak",
        Medium.PAPER,
        "poll",
    )
    assert inbox.ignore == (*DEFAULT_IGNORE, "*.bak")
    assert inbox.options == {"ocr": True}
    assert config.section("reconcile") == {"handover_days": 30}
    assert config.organisations == {"hof-den-haag": "Gerechtshof Den Haag"}


def test_the_defaults_keep_quarantine_beside_the_store_and_ignore_half_written_files(tmp_path: Path) -> None:
    config = Config.from_mapping({"inbox": [{"path": "in"}]}, tmp_path)
    assert config.store_path == tmp_path / "dossierlink.db"
    assert config.sync.quarantine == tmp_path / "quarantaine"
    assert (config.sync.stability_seconds, config.sync.rescan_minutes, config.sync.workers) == (5.0, 5.0, 2)
    inbox = config.inboxes[0]
    assert (inbox.adapter, inbox.mode, inbox.recursive) == ("auto", "auto", True)
    for pattern in (".*", "*.tmp", "*.part", "~$*"):
        assert pattern in inbox.ignore


def test_config_check_names_every_mistake(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "sub").mkdir()
    data = {
        "store": {"path": "keten.db", "colour": "blue"},
        "sync": {"stability_seconds": "vijf", "workers": 0, "quarantine": "in/q", "log_format": "xml"},
        "inbox": [
            {
                "path": "in",
                "adapter": "politei",
                "organisation": "Politie",
                "medium": "papier",
                "mode": "inotify",
            },
            {"path": "in/sub", "organisation": "openbaar ministerie"},
            {"path": "missing", "organisation": "cjib", "recursive": "yes"},
            {"adapter": "om"},
        ],
        "organisations": {"HOF": "Gerechtshof"},
        "reports": {},
    }
    problems = "\n".join(Config.from_mapping(data, tmp_path).check(adapters=ADAPTERS))
    for expected in (
        "[store]: unknown key 'colour'",
        "unknown key 'reports'",
        "stability_seconds must be a number, not 'vijf'",
        "workers must be at least 1",
        "log_format must be one of text, json",
        "no adapter called 'politei'",
        "organisation must be lower case",
        "'openbaar ministerie' is not an organisation code",
        "medium must be 'paper' or 'digital'",
        "mode must be one of native, poll, auto",
        "recursive must be true or false",
        "has no `path`",
        "missing): the folder does not exist",
        "inside the recursive inbox",
        "[sync] quarantine",
        "lies inside the watched inbox",
        "[organisations] 'HOF' must be written in lower case",
    ):
        assert expected in problems, expected


def test_an_unknown_organisation_must_be_declared(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    data = {"inbox": [{"path": "in", "organisation": "hof-arnhem"}]}
    assert "neither built in nor declared" in " ".join(
        Config.from_mapping(data, tmp_path).check(adapters=ADAPTERS)
    )
    data["organisations"] = {"hof-arnhem": "Gerechtshof Arnhem-Leeuwarden"}
    assert Config.from_mapping(data, tmp_path).check(adapters=ADAPTERS) == []


def test_two_inboxes_on_one_folder_are_refused(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    data = {"inbox": [{"path": "in"}, {"path": str(tmp_path / "in")}]}
    assert "are the same folder" in " ".join(Config.from_mapping(data, tmp_path).check(adapters=ADAPTERS))


def test_a_file_that_is_not_toml_is_named_with_its_line(tmp_path: Path) -> None:
    path = write(tmp_path, "[sync]\nworkers = \n")
    with pytest.raises(ConfigError, match=r"dossierlink.toml: not valid TOML.*line 2"):
        Config.load(path)
    with pytest.raises(ConfigError, match="does not exist"):
        Config.load(tmp_path / "nowhere.toml")


def test_the_environment_names_the_config_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(tmp_path, '[store]\npath = "env.db"\n')
    monkeypatch.setenv("DOSSIERLINK_CONFIG", str(path))
    assert Config.load().store_path == tmp_path / "env.db"


def test_config_check_on_the_command_line_exits_2_and_lists_the_mistakes(tmp_path: Path) -> None:
    path = write(tmp_path, '[sync]\nworkers = "two"\n[[inbox]]\npath = "nowhere"\n')
    run = subprocess.run(
        [sys.executable, "-m", "dossierlink", "config", "check", "--config", str(path)],
        capture_output=True,
        text=True,
        cwd=str(REPO),
        timeout=60,
        env=dict(os.environ),
    )
    assert run.returncode == 2
    assert "workers must be a whole number" in run.stderr
    assert "the folder does not exist" in run.stderr


def test_the_sample_configuration_is_valid(tmp_path: Path) -> None:
    sample = REPO / "samples" / "dossierlink.toml"
    if not sample.exists():
        pytest.skip("samples/dossierlink.toml is not there yet")
    config = Config.load(sample)
    problems = [p for p in config.check() if "does not exist" not in p and "no adapter called" not in p]
    assert problems == []
    assert {i.organisation for i in config.inboxes} >= {"politie", "om", "rechtspraak"}


def test_a_police_inbox_may_read_documents_beside_it_through_its_root(tmp_path: Path) -> None:
    (tmp_path / "exports" / "politie").mkdir(parents=True)
    (tmp_path / "documents").mkdir()
    text = """
        [[inbox]]
        path = "exports/politie"
        adapter = "politie"
        root = "."
        [[inbox]]
        path = "exports/politie-oud"
        adapter = "politie"
        root = "niet-hier"
        """
    config = Config.load(write(tmp_path, text))
    assert config.inboxes[0].root == tmp_path
    assert config.inboxes[1].root == tmp_path / "niet-hier"
    problems = config.check(adapters=ADAPTERS)
    assert any("`root`" in p and "niet-hier" in p and "is not a folder" in p for p in problems)
    assert not any("`root`" in p and "#1" in p for p in problems)
    assert Config.load(write(tmp_path, "[[inbox]]\npath = 'x'\n")).inboxes[0].root is None
