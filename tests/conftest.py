"""Shared fixtures: a fresh copy of the demo store, a fixed clock, and a CLI runner."""

from __future__ import annotations

import shutil
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from interact.cli import cli

REPO = Path(__file__).resolve().parent.parent
DEMO = REPO / "records"
NOW = "2026-11-25T10:00:00"
INTERACT = Path(sys.executable).with_name("interact")  # the installed console script, as users run it


@pytest.fixture(autouse=True)
def fixed_env(monkeypatch):
    """A fixed clock, time zone and user for every test; no store found by accident."""
    monkeypatch.setenv("TZ", "Europe/London")
    monkeypatch.setenv("INTERACT_NOW", NOW)
    monkeypatch.setenv("INTERACT_USER", "alice")
    monkeypatch.delenv("INTERACT_DIR", raising=False)
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.delenv("INTERACT_NO_CACHE", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", "/nonexistent-interact-test-config")


@pytest.fixture
def demo(tmp_path) -> Path:
    """A private copy of the demo store in records/."""
    target = tmp_path / "records"
    shutil.copytree(DEMO, target, ignore=shutil.ignore_patterns(".cache"))
    return target


@pytest.fixture
def empty(tmp_path) -> Path:
    """A new empty store."""
    from interact.layout import init_store

    return init_store(tmp_path / "empty")


class Run:
    """Run the CLI against one store: run("log", "call", "jane") -> click Result."""

    def __init__(self, store: Path):
        self.store = store
        self.runner = CliRunner()

    def __call__(self, *args, input=None, env=None):
        return self.runner.invoke(cli, ["--dir", str(self.store), *args], input=input, env=env,
                                  catch_exceptions=False)

    def ok(self, *args, **kwargs):
        result = self(*args, **kwargs)
        assert result.exit_code == 0, (result.output, result.stderr)
        return result


@pytest.fixture
def run(demo) -> Run:
    return Run(demo)


@pytest.fixture
def run_empty(empty) -> Run:
    return Run(empty)


def snapshot(root: Path) -> dict[str, bytes]:
    """Every file of a store (hidden ones too, so leftovers show), but the local .cache."""
    return {p.relative_to(root).as_posix(): p.read_bytes()
            for p in sorted(root.rglob("*")) if p.is_file() and ".cache" not in p.relative_to(root).parts}


def interaction_files(store: Path) -> dict[str, bytes]:
    return {p.stem: p.read_bytes() for p in sorted((store / "interactions").rglob("*.yaml"))}


def check_problems(root: Path) -> list[str]:
    """What `interact check` finds in the store at `root`, one line each."""
    from interact.check import check

    return [str(p) for p in check(root, time.time())]
