"""`interact sync`, `interact git-setup` and the quiet cron runs (SPEC §8), with real git: a bare
remote and clones of it."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from interact.model import dump, load
from interact.layout import init_store

from conftest import REPO, Run
from gitteam import INTERACT, built_team, conflict_sides, git, isolate_git, team  # noqa: F401 (fixtures)

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


def interact(cwd, *args, env=None):
    """The installed script, as cron runs it."""
    return subprocess.run([str(INTERACT), *args], cwd=cwd, capture_output=True, text=True, env=env, timeout=120)


def remote_head(team) -> str:
    return git(team.folder / "origin.git", "rev-parse", "main").stdout.strip()


def subjects(path, count=5) -> list[str]:
    return git(path, "log", f"-{count}", "--format=%s").stdout.splitlines()


# --- outside git, and git-setup ---------------------------------------------------------------

def test_sync_and_git_setup_outside_a_git_work_tree_are_one_line_and_exit_1(tmp_path, monkeypatch):
    isolate_git(monkeypatch, tmp_path)
    store = init_store(tmp_path / "log")
    for command in ("sync", "git-setup"):
        result = interact(store, command)
        assert result.returncode == 1 and result.stdout == ""
        assert result.stderr.count("\n") == 1
        assert result.stderr.startswith(f"Error: `interact {command}` works in a git clone, and ")


def readme_block(section: str, start: str) -> str:
    """The text of the README's first code block in `section` that begins with `start`."""
    text = (REPO / "README.md").read_text().split(section, 1)[1]
    return text.split("```\n" + start, 1)[1].split("```", 1)[0]


def test_git_setup_registers_this_script_and_completes_an_older_stores_gitattributes(tmp_path, monkeypatch):
    isolate_git(monkeypatch, tmp_path)
    store = init_store(tmp_path / "log")
    (store / ".gitattributes").write_text("*.yaml text eol=lf\n")  # as `init` wrote them before the driver
    git(store, "init", "-q")
    result = interact(store, "git-setup")
    assert result.returncode == 0, result.stderr
    driver = f"{INTERACT} merge-file %O %A %B %P"
    assert git(store, "config", "merge.interact.driver").stdout.strip() == driver
    assert git(store, "config", "merge.interact.name").stdout.strip()
    assert (store / ".gitattributes").read_text() == "*.yaml text eol=lf\n*.yaml merge=interact\n"
    assert git(store, "check-attr", "merge", "--", "contacts/x.yaml").stdout == "contacts/x.yaml: merge: interact\n"
    assert "added `*.yaml merge=interact`" in result.stderr
    shown = readme_block("### Records merge field by field", "$ interact git-setup\n")
    assert shown.replace("/home/alice/.local/bin/interact", str(INTERACT)) == result.stderr.splitlines()[0] + "\n"
    again = interact(store, "git-setup")
    assert again.returncode == 0 and "already registered" in again.stderr and ".gitattributes" not in again.stderr
    assert (store / ".gitattributes").read_text().count("merge=interact") == 1


# --- sync ---------------------------------------------------------------------------------------

def test_sync_with_nothing_to_do_prints_nothing_at_all(team):
    alice = team.members[0]
    for _ in range(2):
        result = interact(alice.path, "sync")
        assert (result.returncode, result.stdout, result.stderr) == (0, "", "")


def test_sync_commits_the_store_pulls_checks_and_pushes_with_a_line_a_step(team):
    alice, bob = team.members[:2]
    bob("comment", team.rid, "From bob")
    assert bob.run.ok("sync").stderr.splitlines()[-1] == "pushed to origin/main"
    alice("log", "call", "raj", "Talked")
    alice("edit", team.rid, "--tag", "vip")
    result = interact(alice.path, "sync")
    assert result.returncode == 0 and result.stdout == ""
    lines = result.stderr.splitlines()
    assert lines[0].startswith("committed ") and lines[0].endswith(": sync: 2 changes")
    assert lines[1:] == ["merged 1 file that both sides changed, record by record", "pulled origin/main: 1 file changed",
                         "checked the store: no problems", "pushed to origin/main"]
    assert remote_head(team) == git(alice.path, "rev-parse", "HEAD").stdout.strip()
    assert git(alice.path, "status", "--porcelain").stdout == ""
    # bob takes it all back: one record holding both sides' changes
    assert interact(bob.path, "sync").stderr == "pulled origin/main: 2 files changed\n"
    record = bob.record(team.rid)
    assert (record["tags"], record["posts"][0]["text"]) == (["vip"], "From bob")


def test_sync_of_a_store_in_a_subfolder_commits_only_the_stores_files(tmp_path, monkeypatch):
    isolate_git(monkeypatch, tmp_path)
    repo = tmp_path / "repo"
    git(tmp_path, "init", "-q", "-b", "main", str(repo))
    store = init_store(repo / "records")
    (repo / "README.md").write_text("team notes\n")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "start")
    git(tmp_path, "init", "-q", "--bare", "-b", "main", str(tmp_path / "origin.git"))
    git(repo, "push", "-q", "-u", str(tmp_path / "origin.git"), "main")
    Run(store).ok("contact", "add", "Jane Doe")
    (repo / "README.md").write_text("changed\n")
    git(repo, "add", "README.md")  # staged by hand: stays staged, out of sync's commit
    result = interact(repo, "--dir", "records", "sync")
    assert result.returncode == 0, result.stderr
    assert subjects(repo, 1) == ["sync: 1 changes"]
    assert git(repo, "show", "--name-only", "--format=", "HEAD").stdout == "records/contacts/jane-doe.yaml\n"
    assert git(repo, "status", "--porcelain").stdout == "M  README.md\n"


def test_no_push_commits_and_merges_only(team):
    alice, bob = team.members[:2]
    bob("comment", team.rid, "From bob")
    bob.run.ok("sync")
    before = remote_head(team)
    alice("edit", team.rid, "--tag", "vip")
    result = alice.run.ok("sync", "--no-push")
    assert "pushed" not in result.stderr and remote_head(team) == before
    record = alice.record(team.rid)
    assert (record["tags"], record["posts"][0]["text"]) == (["vip"], "From bob")


def pre_push_hook(member, other, always: bool) -> None:
    """Make `other` push a commit of its own while `member` pushes (once, or every time): the
    remote moves between member's pull and its push."""
    once = "" if always else f'[ -e "{member.path}/.git/moved" ] && exit 0; touch "{member.path}/.git/moved"\n'
    hook = member.path / ".git/hooks/pre-push"
    hook.write_text("#!/bin/sh\ncat >/dev/null\n" + once +
                    "unset GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE\n"
                    f'git -C "{other.path}" commit -q --allow-empty -m "meanwhile" && git -C "{other.path}" push -q\n')
    hook.chmod(0o755)


def test_a_push_rejected_because_the_remote_moved_is_pulled_and_tried_again(team):
    alice, bob = team.members[:2]
    pre_push_hook(alice, bob, always=False)
    alice("comment", team.rid, "From alice")
    result = interact(alice.path, "sync")
    assert result.returncode == 0, result.stderr
    assert "origin/main moved while pushing: pulling again (try 2 of 3)" in result.stderr.splitlines()
    assert result.stderr.endswith("pushed to origin/main\n")
    assert "meanwhile" in git(team.folder / "origin.git", "log", "--format=%s", "main").stdout
    assert remote_head(team) == git(alice.path, "rev-parse", "HEAD").stdout.strip()


def test_a_remote_that_moves_at_every_push_gives_up_after_three_tries(team):
    alice, bob = team.members[:2]
    pre_push_hook(alice, bob, always=True)
    alice("comment", team.rid, "From alice")
    result = interact(alice.path, "sync")
    assert result.returncode == 1
    assert "(try 3 of 3)" in result.stderr and "(try 4" not in result.stderr
    assert result.stderr.splitlines()[-1].startswith("Error: not pushed: origin/main moved again each time, 3 tries")
    assert "From alice" not in git(team.folder / "origin.git", "log", "-p", "main").stdout


def test_a_conflict_stops_sync_naming_the_files_and_what_to_do(team):
    alice, bob = team.members[:2]
    bob("edit", team.rid, "--note", "Offer a free month")
    bob.run.ok("sync")
    before = remote_head(team)
    alice("edit", team.rid, "--note", "Offer 10% off")
    result = interact(alice.path, "sync")
    path = f"interactions/2026/11/{team.rid}.yaml"
    assert result.returncode == 1
    assert "could not be merged" in result.stderr and "`git add` and `git commit`" in result.stderr
    assert f"  {path}" in result.stderr.splitlines()
    assert remote_head(team) == before
    # as the README shows it (its record id and commit are another's)
    shown = readme_block("### `interact sync`", "$ interact sync\n").splitlines()
    said = result.stderr.splitlines()
    assert said[0].startswith("committed ") and said[0].endswith(": sync: 1 changes") and shown[0].endswith(said[0][17:])
    assert said[1:] == [shown[1], shown[2].replace("c10986xwh9", team.rid)]
    # until it is finished, sync says so rather than starting again
    again = interact(alice.path, "sync")
    assert again.returncode == 1 and "a merge is not finished" in again.stderr
    # finished as the message says: keep a side, add, commit; then sync shares it
    ours, _ = conflict_sides((alice.path / path).read_text())
    (alice.path / path).write_text(ours)
    git(alice.path, "add", path)
    git(alice.path, "commit", "-q", "--no-edit")
    done = interact(alice.path, "sync")
    assert done.returncode == 0 and done.stderr.endswith("pushed to origin/main\n")
    assert load((alice.path / path).read_bytes())["note"] == "Offer 10% off"


def test_a_broken_store_is_committed_but_never_pushed(team):
    alice = team.members[0]
    before = remote_head(team)
    bad = alice.path / "interactions/2026/11/zzzzzzzzzz.yaml"
    record = {**alice.record(team.rid), "id": "zzzzzzzzzz", "type": "carrier-pigeon"}
    bad.write_text(dump(record, "interaction"))
    result = interact(alice.path, "sync")
    assert result.returncode == 1
    assert "Error: not pushed: the store has 1 problem" in result.stderr
    assert ("  interactions/2026/11/zzzzzzzzzz.yaml: type 'carrier-pigeon' is not one of the configured types"
            in result.stderr)
    assert remote_head(team) == before and subjects(alice.path, 1) == ["sync: 1 changes"]


def test_sync_without_an_upstream_says_how_to_set_one(tmp_path, monkeypatch):
    isolate_git(monkeypatch, tmp_path)
    store = init_store(tmp_path / "log")
    git(store, "init", "-q", "-b", "main")
    result = interact(store, "sync")
    assert result.returncode == 1
    assert result.stderr.splitlines()[-1] == ("Error: branch 'main' has no upstream to pull from and push to: "
                                              "set it once with `git push -u origin main`.")
    assert subjects(store) == ["sync: 3 changes"]  # what it could do, it did: the store is committed


# --- quiet for cron -----------------------------------------------------------------------

def test_quiet_generate_digest_and_check_print_nothing_when_there_is_nothing_to_report(run, run_empty):
    evening = {"INTERACT_NOW": "2026-11-25T18:30"}
    plan = ("generate", "--for", "prospects", "--count", "2", "--quiet")
    first = run(*plan, env=evening)
    assert first.exit_code == 0 and first.stderr.startswith("planned 2 calls") and first.stdout
    again = run(*plan, env=evening)
    assert (again.exit_code, again.stdout, again.stderr) == (0, "", "")
    assert run(*plan[:-1], env=evening).stderr.startswith("nothing to add")  # without -q it says so
    for runner, expect_digest in ((run, True), (run_empty, False)):
        digest = runner("digest", "-q")
        assert digest.exit_code == 0 and digest.stderr == ""
        assert digest.stdout.startswith("Digest for alice") if expect_digest else digest.stdout == ""
    assert run_empty("digest").stdout.startswith("Nothing outstanding")
    check = run("check", "-q")
    assert (check.exit_code, check.stdout, check.stderr) == (0, "", "")
    (run.store / "notes.txt").write_text("stray\n")
    assert run("check", "-q").exit_code == 1 and "notes.txt" in run("check", "-q").stdout


def test_atomic_write_all_replaces_every_file_and_leaves_no_temporary_one(tmp_path):
    from interact.atomic import atomic_write_all

    files = {tmp_path / f"{n}.yaml": f"new {n}\n".encode() for n in range(5)}
    for path in list(files)[:3]:
        path.write_text("old\n")
    atomic_write_all(files)
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == {p.name: data for p, data in files.items()}
    with pytest.raises(FileNotFoundError):
        atomic_write_all({tmp_path / "a.yaml": b"a\n", tmp_path / "missing" / "b.yaml": b"b\n"})
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(p.name for p in files)  # nothing half done


def test_sync_changes_the_work_tree_only_under_the_stores_lock(team):
    """A command's read-modify-write of a record holds the store's lock: sync waits for it
    before it commits and merges, so neither puts back a record the other had not seen."""
    import fcntl

    alice = team.members[0]
    alice("comment", team.rid, "From alice")
    with open(alice.path / ".cache" / "lock", "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        waiting = subprocess.Popen([str(INTERACT), "sync"], cwd=alice.path, stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE, text=True)
        try:
            with pytest.raises(subprocess.TimeoutExpired):
                waiting.wait(timeout=1)
            assert git(alice.path, "status", "--porcelain").stdout  # not committed while we hold it
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
    _, stderr = waiting.communicate(timeout=120)
    assert waiting.returncode == 0 and stderr.endswith("pushed to origin/main\n")
