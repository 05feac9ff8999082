"""Helpers for the tests of a team log in git: a bare remote, clones with their own git
identity, and reading a file left in conflict."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from interact.layout import init_store
from interact.store import Store

from conftest import INTERACT, NOW, Run


def git(cwd: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    result = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True)
    if check:
        assert result.returncode == 0, (args, result.stdout, result.stderr)
    return result


def isolate_git(monkeypatch, tmp_path: Path) -> None:
    """No git configuration of the machine's or the user's: a home of the test's own, and an
    identity in the environment (a clone may still set its own)."""
    home = tmp_path / "home"
    home.mkdir(exist_ok=True)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    for role in ("AUTHOR", "COMMITTER"):
        monkeypatch.setenv(f"GIT_{role}_NAME", "Test")
        monkeypatch.setenv(f"GIT_{role}_EMAIL", "test@example.com")


def conflict_sides(text: str) -> tuple[str, str]:
    """The two versions a file with git's conflict markers holds: (ours, theirs)."""
    sides = {"ours": [], "theirs": []}
    side = None
    for line in text.splitlines(keepends=True):
        if line.startswith("<<<<<<<"):
            side = "ours"
        elif line.startswith("=======") and side == "ours":
            side = "theirs"
        elif line.startswith(">>>>>>>"):
            side = None
        else:
            for name in sides if side is None else [side]:
                sides[name].append(line)
    return "".join(sides["ours"]), "".join(sides["theirs"])


class Member:
    """A teammate's clone: run("log", ...) as that user, and share with git."""

    def __init__(self, path, user):
        self.path, self.user, self.run = path, user, Run(path)

    def __call__(self, *args, now=None):
        env = {"INTERACT_USER": self.user, **({"INTERACT_NOW": now} if now else {})}
        return self.run.ok(*args, env=env)

    def commit(self):
        git(self.path, "add", "-A")
        git(self.path, "commit", "-q", "-m", f"{self.user}'s work")

    def push(self):
        self.commit()
        git(self.path, "push", "-q")

    def merge(self, way: str):
        """Take the remote's work: `git pull` (the driver) or `interact sync --no-push`; the
        exit code and what was said."""
        if way == "pull":
            self.commit()
            result = git(self.path, "pull", "--no-rebase", "--no-edit", check=False)
            return result.returncode, result.stdout + result.stderr
        result = self.run("sync", "--no-push")
        return result.exit_code, result.stderr

    def record(self, rid: str) -> dict:
        return Store(self.path, cache=False).find_interaction(rid)

    def listing(self, *options) -> list:
        args = ["list", "--everyone", "--status", "all", "--format", "json", *options]
        cached, uncached = self.run.ok(*args).stdout, self.run.ok("--no-cache", *args).stdout
        assert cached == uncached
        return json.loads(cached)


class Team:
    """A bare remote holding a store (people, a prospect, one open call: `rid`) and three clones
    of it, alice's, bob's and carol's, each set up with `interact git-setup`."""

    NAMES = ("alice", "bob", "carol")

    def __init__(self, folder, rid):
        self.folder, self.rid = folder, rid
        self.members = [Member(folder / name, name) for name in self.NAMES]

    @classmethod
    def build(cls, folder):
        folder.mkdir()
        origin = folder / "origin.git"
        git(folder, "init", "-q", "--bare", "-b", "main", str(origin))
        seed = folder / "seed"
        init_store(seed)
        git(folder, "init", "-q", "-b", "main", str(seed))
        run = Run(seed)
        run.ok("account", "add", "Acme Ltd", "--kind", "customer")
        run.ok("contact", "add", "Jane Doe", "--account", "acme")
        run.ok("contact", "add", "Raj Patel")
        run.ok("account", "add", "Kestrel Housing", "--kind", "prospect", "--opportunity", "Pilot=1000")
        run.ok("contact", "add", "Owen Price", "--account", "kestrel")
        rid = run.ok("assign", "call", "jane", "Renewal call", "--when", "2026-11-27T10:00").stdout.strip()
        git(seed, "add", "-A")
        git(seed, "commit", "-q", "-m", "New team log")
        git(seed, "push", "-q", str(origin), "main")
        for name in cls.NAMES:
            path = folder / name
            git(folder, "clone", "-q", str(origin), str(path))
            git(path, "config", "user.name", name)
            git(path, "config", "user.email", f"{name}@example.com")
            # as a member would: the installed script registers itself (by its absolute path)
            setup = subprocess.run([str(INTERACT), "git-setup"], cwd=path, capture_output=True, text=True)
            assert setup.returncode == 0, setup.stderr
        return cls(folder, rid)

    def copy(self, folder):
        """The same team in another folder (each test gets its own; building one takes a while)."""
        shutil.copytree(self.folder, folder, symlinks=True)
        for name in self.NAMES:
            git(folder / name, "remote", "set-url", "origin", str(folder / "origin.git"))
        return Team(folder, self.rid)


@pytest.fixture(scope="module")
def built_team(tmp_path_factory):
    with pytest.MonkeyPatch.context() as patch:
        folder = tmp_path_factory.mktemp("team")
        isolate_git(patch, folder)
        for name, value in (("TZ", "Europe/London"), ("INTERACT_NOW", NOW), ("INTERACT_USER", "alice")):
            patch.setenv(name, value)
        return Team.build(folder / "template")


@pytest.fixture
def team(built_team, tmp_path, monkeypatch):
    isolate_git(monkeypatch, tmp_path)
    return built_team.copy(tmp_path / "team")
