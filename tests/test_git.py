"""The team log in git: init --git, --commit / auto_commit, two clones that merge, conflicts, hooks."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from interact.model import load
from interact.store import Store

from conftest import INTERACT, Run, interaction_files

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


def git(cwd: Path, *args: str, check: bool = True) -> str:
    result = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True)
    if check:
        assert result.returncode == 0, (args, result.stdout, result.stderr)
    return result.stdout


def identify(repo: Path, name: str) -> None:
    git(repo, "config", "user.name", name)
    git(repo, "config", "user.email", f"{name}@example.com")
    git(repo, "config", "pull.rebase", "false")


def new_id(result) -> str:
    assert result.exit_code == 0, (result.stdout, result.stderr)
    return result.stdout.strip().splitlines()[-1]


def subjects(repo: Path) -> list[str]:
    return git(repo, "log", "--format=%s").splitlines()


def files_of_last_commit(repo: Path) -> list[str]:
    return git(repo, "show", "--name-status", "--no-renames", "--format=", "HEAD").splitlines()


@pytest.fixture
def team(tmp_path) -> Run:
    """A store made by `interact init --git`, its files committed, with two people and an account."""
    root = tmp_path / "team-log"
    init = Run(root)  # --dir before init is ignored by init itself
    result = init.runner.invoke(init_command(), [str(root), "--git"], catch_exceptions=False)
    assert result.exit_code == 0, result.stderr
    identify(root, "alice")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "New team log")
    run = Run(root)
    run.ok("account", "add", "Acme Ltd", "--kind", "customer", "--commit")
    run.ok("contact", "add", "Jane Doe", "--account", "acme", "--commit")
    run.ok("contact", "add", "Raj Patel", "--commit")
    return run


def init_command():
    from interact.commands.store import init

    return init


# --- init --git ----------------------------------------------------------------------

def test_init_git_writes_gitignore_and_gitattributes(tmp_path):
    root = tmp_path / "team-log"
    from click.testing import CliRunner

    result = CliRunner().invoke(init_command(), [str(root), "--git"])
    assert result.exit_code == 0
    assert (root / ".git").is_dir()
    assert (root / ".gitignore").read_text() == "/.cache/\n.*.tmp\n"  # the index, interrupted writes
    attributes = (root / ".gitattributes").read_text()
    assert "*.yaml text eol=lf\n" in attributes
    assert "merge=union" not in attributes  # union merges keep both sides: broken YAML
    assert git(root, "check-attr", "eol", "merge", "--", "contacts/jane-doe.yaml").splitlines() == [
        "contacts/jane-doe.yaml: eol: lf", "contacts/jane-doe.yaml: merge: interact"]
    # and the clone knows the driver that attribute names (SPEC §8: init --git does what git-setup does)
    assert git(root, "config", "merge.interact.driver").strip().endswith(" merge-file %O %A %B %P")


def test_nothing_local_or_derived_is_ever_committed(team):
    root = team.store
    rid = new_id(team("assign", "call", "jane"))
    team.ok("complete", rid, "--outcome", "Done", "--commit")  # takes the lock: .cache/lock
    assert (root / ".cache" / "lock").exists()
    assert git(root, "status", "--porcelain", "--ignored").splitlines() == ["!! .cache/"]
    assert ".cache" not in git(root, "ls-files")


# --- --commit and auto_commit ----------------------------------------------------------

def test_log_commit_commits_exactly_its_file_with_a_readable_message(team):
    root = team.store
    (root / "contacts" / "draft.yaml").write_text("id: draft\nname: Draft\n")
    git(root, "add", "contacts/draft.yaml")  # staged by hand: must stay out of our commit
    result = team("log", "call", "Jane Doe", "Talked", "--commit")
    rid = new_id(result)
    assert subjects(root)[0] == "log: call with Jane Doe"
    assert files_of_last_commit(root) == [f"A\tinteractions/2026/11/{rid}.yaml"]
    assert git(root, "status", "--porcelain").splitlines() == ["A  contacts/draft.yaml"]
    assert result.stderr.startswith("committed ")
    assert result.stderr.rstrip().endswith(": log: call with Jane Doe")


def test_every_writing_command_commits_what_it_changed(team):
    root = team.store
    rid = new_id(team("assign", "call", "raj", "Ask about fees", "--due", "fri", "--commit"))
    path = f"interactions/2026/11/{rid}.yaml"
    assert (subjects(root)[0], files_of_last_commit(root)) == ("assign: call with Raj Patel", [f"A\t{path}"])

    team.ok("comment", rid[:4], "He", "prefers", "mornings", "--commit")
    assert (subjects(root)[0], files_of_last_commit(root)) == ("comment: call with Raj Patel", [f"M\t{path}"])

    team.ok("edit", rid[:4], "--when", "2026-12-02T10:00", "--commit")  # a new month: the file moves
    moved = f"interactions/2026/12/{rid}.yaml"
    assert subjects(root)[0] == "edit: call with Raj Patel"
    assert sorted(files_of_last_commit(root)) == [f"A\t{moved}", f"D\t{path}"]

    follow = new_id(team("complete", rid[:4], "--outcome", "Booked", "--follow-up", "2026-12-09T10:00",
                         "--commit"))
    assert subjects(root)[0] == "complete: call with Raj Patel"
    assert sorted(files_of_last_commit(root)) == [f"A\tinteractions/2026/12/{follow}.yaml", f"M\t{moved}"]

    team.ok("delete", follow[:4], "--yes", "--commit")
    assert (subjects(root)[0], files_of_last_commit(root)) == (
        f"delete: {follow}", [f"D\tinteractions/2026/12/{follow}.yaml"])

    team.ok("contact", "edit", "raj", "--phone", "+44 113 496 0002", "--commit")
    assert (subjects(root)[0], files_of_last_commit(root)) == ("contact edit: Raj Patel", ["M\tcontacts/raj-patel.yaml"])
    team.ok("account", "edit", "acme", "--town", "Leeds", "--commit")
    assert (subjects(root)[0], files_of_last_commit(root)) == ("account edit: Acme Ltd", ["M\taccounts/acme-ltd.yaml"])
    assert git(root, "status", "--porcelain") == ""


def test_attach_and_delete_commit_the_attachments(team, tmp_path):
    root = team.store
    rid = new_id(team("log", "call", "raj", "Sent the fees sheet"))
    source = tmp_path / "fees 2027.pdf"
    source.write_bytes(b"%PDF fees")
    team.ok("attach", rid[:4], str(source), "--commit")
    attached = f"attachments/{rid}/fees 2027.pdf"
    assert (subjects(root)[0], files_of_last_commit(root)) == (f"attach: fees 2027.pdf to {rid}", [f"A\t{attached}"])
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "the call")
    result = team.ok("delete", rid[:4], "--yes", "--commit")
    assert f"deleted {rid} and its 1 attachment" in result.stderr
    assert sorted(files_of_last_commit(root)) == [f"D\t{attached}", f"D\tinteractions/2026/11/{rid}.yaml"]
    assert not (root / "attachments" / rid).exists()
    assert git(root, "status", "--porcelain") == ""


def test_types_commands_commit_the_configuration_and_the_renamed_records(team):
    root = team.store
    team.ok("types", "add", "fax", "--commit")
    assert (subjects(root)[0], files_of_last_commit(root)) == ("types add: fax", ["M\tinteract.yaml"])
    team.ok("types", "move", "fax", "1", "--commit")
    assert subjects(root)[0] == "types move: fax to 1"
    rid = new_id(team("log", "fax", "raj", "Sent the form", "--commit"))
    team.ok("types", "rename", "fax", "letter", "--commit")
    assert subjects(root)[0] == "types rename: fax to letter"
    assert sorted(files_of_last_commit(root)) == ["M\tinteract.yaml", f"M\tinteractions/2026/11/{rid}.yaml"]
    assert git(root, "status", "--porcelain") == ""


def test_log_new_commits_the_new_contact_with_the_interaction(team):
    root = team.store
    rid = new_id(team("log", "email", "Sam Okafor", "--new", "--email", "sam@example.com", "--commit"))
    assert subjects(root)[0] == "log: email with Sam Okafor"
    assert sorted(files_of_last_commit(root)) == ["A\tcontacts/sam-okafor.yaml", f"A\tinteractions/2026/11/{rid}.yaml"]


def test_personal_notes_say_so(team):
    team.ok("log", "note", "--personal", "Book", "the", "venue", "--commit")
    assert subjects(team.store)[0] == "log: note (personal)"


def test_auto_commit_in_the_config_and_no_commit_to_skip_it(team):
    root = team.store
    config = root / "interact.yaml"
    config.write_text(config.read_text() + "auto_commit: true\n")
    git(root, "commit", "-q", "-am", "Commit every change")
    rid = new_id(team("log", "call", "jane"))
    assert subjects(root)[0] == "log: call with Jane Doe"
    assert files_of_last_commit(root) == [f"A\tinteractions/2026/11/{rid}.yaml"]
    other = new_id(team("log", "call", "raj", "--no-commit"))
    assert subjects(root)[0] == "log: call with Jane Doe"
    assert git(root, "status", "--porcelain").splitlines() == [f"?? interactions/2026/11/{other}.yaml"]


def test_without_commit_nothing_runs_git(team, monkeypatch):
    def no_git(*args, **kwargs):
        raise AssertionError(f"git was run: {args}")

    monkeypatch.setattr(subprocess, "run", no_git)
    monkeypatch.setattr(subprocess, "Popen", no_git)
    team.ok("log", "call", "jane", "--when", "yesterday 3pm")
    team.ok("contact", "add", "Sam Okafor")


def test_the_log_command_does_not_import_git_helpers(team):
    code = ("import sys; from interact.cli import cli; "
            f"cli.main(['--dir', {str(team.store)!r}, 'log', 'call', 'jane'], standalone_mode=False); "
            "assert 'interact.gitops' not in sys.modules and 'interact.check' not in sys.modules, 'imported'")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_commit_outside_a_repository_is_an_error_but_the_record_is_kept(run, demo):
    before = set(interaction_files(demo))
    result = run("log", "call", "jane", "--commit")
    assert result.exit_code == 1
    assert "is not in a git repository" in result.stderr
    assert len(set(interaction_files(demo)) - before) == 1  # written, only not committed


def test_a_failing_pre_commit_hook_is_shown(team):
    root = team.store
    hook = root / ".git" / "hooks" / "pre-commit"
    hook.write_text("#!/bin/sh\necho 'refusing: policy' >&2\nexit 1\n")
    hook.chmod(0o755)
    result = team("log", "call", "jane", "--commit")
    assert result.exit_code == 1
    assert "written but not committed" in result.stderr
    assert "  refusing: policy" in result.stderr.splitlines()


def test_commands_never_push(team, tmp_path):
    root = team.store
    origin = tmp_path / "origin.git"
    git(tmp_path, "init", "-q", "--bare", str(origin))
    git(root, "remote", "add", "origin", str(origin))
    git(root, "push", "-q", "origin", "HEAD:refs/heads/main")
    pushed = git(origin, "rev-parse", "main")
    team.ok("log", "call", "jane", "--commit")
    assert git(origin, "rev-parse", "main") == pushed
    assert git(root, "rev-parse", "HEAD") != pushed


# --- two clones --------------------------------------------------------------------------

@pytest.fixture
def clones(team, tmp_path):
    """The team's repository pushed to a bare origin and cloned twice: alice's and bob's."""
    origin = tmp_path / "origin.git"
    git(tmp_path, "init", "-q", "--bare", "-b", "main", str(origin))
    git(team.store, "remote", "add", "origin", str(origin))
    git(team.store, "push", "-q", "origin", "HEAD:refs/heads/main")
    runs = []
    for name in ("alice", "bob"):
        clone = tmp_path / name
        git(tmp_path, "clone", "-q", str(origin), str(clone))
        identify(clone, name)
        runs.append(Run(clone))
    return runs


def as_(run: Run, user: str):
    return lambda *args: run.ok(*args, env={"INTERACT_USER": user})


def test_two_clones_log_assign_and_complete_independently_and_merge_cleanly(clones):
    alice, bob = clones
    a, b = as_(alice, "alice"), as_(bob, "bob")
    # both start from the same open work, made in alice's clone and shared
    first = new_id(a("assign", "call", "jane", "Renewal call", "--when", "2026-11-27T10:00", "--commit"))
    second = new_id(a("assign", "visit", "raj", "Campus tour", "--when", "2026-11-26T14:00", "--commit"))
    third = new_id(a("assign", "email", "raj", "Send the fees", "--due", "2026-11-28", "--commit"))
    git(alice.store, "push", "-q")
    git(bob.store, "pull", "-q")
    ids = {first, second, third}
    # then each works alone: logs, assigns, completes, comments, adds people
    ids.add(new_id(a("log", "call", "jane", "Quick check-in", "--commit")))
    ids.add(new_id(a("assign", "email", "raj", "Send the forms", "--to", "bob", "--commit")))
    a("complete", first[:6], "--outcome", "Renewed", "--commit")
    a("comment", second[:6], "Bring", "the", "brochure", "--commit")
    a("contact", "add", "Lena Fischer", "--commit")
    ids.add(new_id(b("log", "visit", "acme", "Site visit", "--duration", "1h", "--commit")))
    ids.add(new_id(b("assign", "call", "jane", "Chase the quote", "--due", "2026-11-30", "--commit")))
    b("complete", third[:6], "--outcome", "Sent", "--commit")
    b("edit", first[:6], "--due", "2026-11-28", "--commit")  # same record, another field
    b("edit", second[:6], "--when", "2026-12-01T10:00", "--commit")  # moves it to 2026/12 as alice comments
    b("contact", "add", "Tom Baker", "--commit")
    # alice pushes first; bob merges hers, checks, pushes; alice pulls
    git(alice.store, "push", "-q")
    git(bob.store, "pull", "-q", "--no-edit")
    assert git(bob.store, "status", "--porcelain") == ""
    assert bob("check").exit_code == 0
    git(bob.store, "push", "-q")
    git(alice.store, "pull", "-q")
    for clone in clones:
        result = clone("check")
        assert (result.exit_code, result.stdout) == (0, "")
        assert set(interaction_files(clone.store)) == ids
        assert sorted(p.stem for p in (clone.store / "contacts").iterdir()) == [
            "jane-doe", "lena-fischer", "raj-patel", "tom-baker"]
    assert interaction_files(alice.store) == interaction_files(bob.store)
    records = {r["id"]: r for r in Store(alice.store).interactions()}
    assert (records[first]["outcome"], records[first]["due"]) == ("Renewed", "2026-11-28")
    assert records[second]["posts"][0]["text"] == "Bring the brochure"
    assert records[second].path.parent.name == "12"
    assert (records[third]["outcome"], records[third]["completed_by"]) == ("Sent", "bob")


def test_a_true_conflict_is_a_git_conflict_that_check_names(clones):
    alice, bob = clones
    a, b = as_(alice, "alice"), as_(bob, "bob")
    rid = new_id(a("assign", "call", "jane", "Renewal call", "--commit"))
    git(alice.store, "push", "-q")
    git(bob.store, "pull", "-q")
    a("edit", rid[:6], "--instructions", "Offer 10% off", "--commit")
    b("edit", rid[:6], "--instructions", "Offer a free month", "--commit")
    git(alice.store, "push", "-q")
    pull = subprocess.run(["git", "pull", "-q", "--no-edit"], cwd=bob.store, capture_output=True, text=True)
    assert pull.returncode != 0 and "CONFLICT" in pull.stdout + pull.stderr
    path = f"interactions/2026/11/{rid}.yaml"
    result = bob("check")
    assert result.exit_code == 1
    assert result.stdout.startswith(f"{path}: git conflict markers (lines ")
    # the other commands go on, skipping that one file with a warning
    listed = bob("show", rid[:6])
    assert listed.exit_code == 1 and "git conflict markers" in listed.stderr
    # resolving: edit the file, git add, git commit; then the store checks clean
    text = (bob.store / path).read_text()
    kept = [line for line in text.splitlines() if not line.startswith(("<<<<<<<", "=======", ">>>>>>>"))
            and "Offer 10% off" not in line]
    (bob.store / path).write_text("\n".join(kept) + "\n")
    git(bob.store, "add", path)
    git(bob.store, "commit", "-q", "--no-edit")
    assert bob("check").exit_code == 0
    assert load((bob.store / path).read_bytes())["instructions"] == "Offer a free month"


def test_pre_commit_hook_runs_check_and_refuses_a_broken_store(team):
    root = team.store
    hook = root / ".git" / "hooks" / "pre-commit"
    hook.write_text(f'#!/bin/sh\nexec "{INTERACT}" --dir "$(git rev-parse --show-toplevel)" check\n')
    hook.chmod(0o755)
    rid = new_id(team("log", "call", "jane", "--commit"))  # a clean store commits through the hook
    assert subjects(root)[0] == "log: call with Jane Doe"
    path = root / "interactions/2026/11" / f"{rid}.yaml"
    path.write_text(path.read_text().replace("type: call", "type: carrier-pigeon"))
    git(root, "add", "-A")
    commit = subprocess.run(["git", "commit", "-q", "-m", "oops"], cwd=root, capture_output=True, text=True)
    assert commit.returncode != 0
    assert f"interactions/2026/11/{rid}.yaml: type 'carrier-pigeon' is not one of the configured types" in (
        commit.stdout + commit.stderr)


def test_hooks_in_a_pulled_interact_yaml_never_run(clones, tmp_path):
    alice, bob = clones
    marker = tmp_path / "ran"
    config = alice.store / "interact.yaml"
    config.write_text(config.read_text() + "hooks:\n" + "".join(
        f"  {event}: touch {marker}\n" for event in ("on_log", "on_assign", "on_complete", "on_notify")))
    git(alice.store, "commit", "-q", "-am", "Hooks for everyone")
    git(alice.store, "push", "-q")
    git(bob.store, "pull", "-q")
    b = as_(bob, "bob")
    rid = new_id(b("assign", "call", "jane", "--notify", "--commit"))
    b("log", "call", "jane", "--commit")
    b("complete", rid[:6], "--outcome", "Done", "--commit")
    assert not marker.exists()
    # the same event with bob's own configuration does run: the assertion above can fail
    personal = tmp_path / "bob-config"
    (personal / "interact").mkdir(parents=True)
    (personal / "interact" / "config.yaml").write_text(f"hooks:\n  on_log: touch {marker}\n")
    bob.ok("log", "call", "jane", env={"INTERACT_USER": "bob", "XDG_CONFIG_HOME": str(personal)})
    assert marker.exists()


def test_generate_and_import_commit_their_batch(team):
    root = team.store
    for name in ("Kestrel Housing", "Brightside School"):
        team.ok("account", "add", name, "--kind", "prospect", "--opportunity", "Pilot=1000", "--commit")
        team.ok("contact", "add", f"Someone at {name}", "--account", name, "--commit")
    team.ok("generate", "--for", "prospects", "--date", "2026-11-26", "--count", "2", "--commit")
    assert subjects(root)[0].startswith("generate: call with ") and subjects(root)[0].endswith(" and 1 more")
    assert len(files_of_last_commit(root)) == 2
    assert git(root, "status", "--porcelain") == ""
