"""The store: finding it, init, atomic writes, deterministic serialisation."""

import os
from pathlib import Path

import pytest

from conftest import DEMO, interaction_files
from interact import model
from interact.errors import UserError
from interact.model import dump, load
from interact.atomic import atomic_write
from interact.layout import find_store, init_store
from interact.store import Store


def test_find_store_prefers_dir_then_env_then_walk(tmp_path, demo):
    other = init_store(tmp_path / "other")
    nested = demo / "interactions" / "2026"
    assert find_store(str(other), str(demo), nested) == other
    assert find_store(None, str(other), nested) == other
    assert find_store(None, None, nested) == demo
    # a folder holding records/interact.yaml is found from its parent
    assert find_store(None, None, demo.parent) == demo


def test_no_store_names_init(tmp_path):
    with pytest.raises(UserError, match="interact init"):
        find_store(None, None, tmp_path)


def test_cli_without_store_exits_1(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    from click.testing import CliRunner
    from interact.cli import cli

    result = CliRunner().invoke(cli, ["log", "call", "jane"])
    assert result.exit_code == 1
    assert "interact init" in result.stderr
    assert "Traceback" not in result.output


def test_init_creates_commented_store_and_refuses_to_overwrite(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    from click.testing import CliRunner
    from interact.cli import cli

    runner = CliRunner()
    assert runner.invoke(cli, ["init"]).exit_code == 0
    config = (tmp_path / "records" / "interact.yaml").read_text()
    assert config.startswith("#") and "types:" in config
    for sub in ("contacts", "accounts", "interactions"):
        assert (tmp_path / "records" / sub).is_dir()
    (tmp_path / "records" / "interact.yaml").write_text("version: 1\ntypes: [call]\n")
    again = runner.invoke(cli, ["init"])
    assert again.exit_code == 1 and "already exists" in again.stderr
    assert (tmp_path / "records" / "interact.yaml").read_text() == "version: 1\ntypes: [call]\n"


def test_init_git_runs_git_init(tmp_path):
    from click.testing import CliRunner
    from interact.cli import cli

    result = CliRunner().invoke(cli, ["init", str(tmp_path / "team"), "--git"])
    assert result.exit_code == 0
    assert (tmp_path / "team" / ".git").is_dir()


def test_every_demo_file_reserialises_byte_identical():
    for path in sorted(DEMO.rglob("*.yaml")):
        if path.name == "interact.yaml":
            continue
        kind = {"contacts": "contact", "accounts": "account"}.get(path.parent.name, "interaction")
        assert dump(load(path.read_bytes()), kind).encode() == path.read_bytes(), path


def test_dump_is_deterministic_and_keeps_unknown_keys():
    record = {"zeta": 1, "note": "two\nlines", "type": "call", "id": "0123456789", "alpha": "x",
              "tags": [], "personal": False, "when": "2026-11-24T14:30:00+00:00"}
    text = dump(record, "interaction")
    assert text == (
        "id: 0123456789\n"
        "type: call\n"
        "when: 2026-11-24T14:30:00+00:00\n"
        "note: |-\n  two\n  lines\n"
        "alpha: x\n"
        "zeta: 1\n"
    )
    assert dump(load(text), "interaction") == text
    assert "!!" not in text


def test_loader_refuses_python_tags():
    with pytest.raises(ValueError):
        load("!!python/object/apply:os.system ['echo hacked']\n")


def test_atomic_write_crash_before_rename_keeps_old_file(tmp_path, monkeypatch):
    target = tmp_path / "record.yaml"
    target.write_bytes(b"old: true\n")

    def crash(*args):
        raise KeyboardInterrupt("killed between write and rename")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(KeyboardInterrupt):
        atomic_write(target, b"new: true\n")
    assert target.read_bytes() == b"old: true\n"
    assert list(tmp_path.iterdir()) == [target]  # the temporary file is cleaned up


def test_atomic_write_exclusive_never_replaces(tmp_path):
    target = tmp_path / "x.yaml"
    atomic_write(target, b"a: 1\n", exclusive=True)
    with pytest.raises(FileExistsError):
        atomic_write(target, b"a: 2\n", exclusive=True)
    assert target.read_bytes() == b"a: 1\n"


def test_corrupt_file_is_skipped_with_a_warning(demo):
    bad = demo / "interactions" / "2026" / "11" / "zzzzzzzzzz.yaml"
    bad.write_text("id: [unclosed\n")
    store = Store(demo)
    records = store.interactions()
    assert len(records) == len(interaction_files(demo)) - 1
    assert len(store.warnings) == 1 and "zzzzzzzzzz.yaml" in store.warnings[0]


def test_corrupt_file_does_not_stop_show_of_another(run, demo):
    (demo / "interactions" / "2026" / "11" / "zzzzzzzzzz.yaml").write_bytes(b"\xff\xfe not yaml")
    rid = sorted(interaction_files(demo))[0]
    result = run("show", rid[:6])
    assert result.exit_code == 0
    assert rid in result.stdout


def test_edit_that_changes_the_month_moves_the_file(run, demo):
    rid = run.ok("assign", "call", "jane", "--when", "2026-11-30 10:00").stdout.strip()
    run.ok("edit", rid, "--when", "2027-01-04 10:00")
    assert not (demo / "interactions" / "2026" / "11" / f"{rid}.yaml").exists()
    assert (demo / "interactions" / "2027" / "01" / f"{rid}.yaml").exists()


def test_id_alphabet_and_prefixes():
    rid = model.new_id()
    assert len(rid) == 10 and set(rid) <= set(model.ID_ALPHABET)
    assert model.shortest_prefixes(["abcd000000", "abcd100000", "zzzz000000"]) == {
        "abcd000000": "abcd0", "abcd100000": "abcd1", "zzzz000000": "zzzz"}
    assert model.derived_id("2026-11-25/prospects/acme") == model.derived_id("2026-11-25/prospects/acme")


def test_slug_of_hostile_names_stays_inside_the_store():
    for name in ("../../etc/passwd", "a/b\\c", "nul\x00byte", "\x1b[31mred", "!!!"):
        slug = model.slugify(name)
        assert slug and "/" not in slug and ".." not in slug and "\x00" not in slug


def test_hostile_contact_name_writes_inside_contacts(run, demo):
    rid = run.ok("contact", "add", "../../etc/passwd").stdout.strip()
    assert (demo / "contacts" / f"{rid}.yaml").is_file()
    assert Path(demo / "contacts" / f"{rid}.yaml").resolve().parent == (demo / "contacts").resolve()


def test_show_of_unreadable_file_names_the_problem_once(run, demo):
    (demo / "interactions" / "2026" / "11" / "zzzzzzzzzz.yaml").write_text("- a list\n")
    result = run("show", "zzzz")
    assert result.exit_code == 1
    assert result.stderr.count("zzzzzzzzzz.yaml") == 1 and "not a mapping" in result.stderr


def test_slug_keeps_other_scripts_and_drops_accents():
    assert model.slugify("Zoë Brontë") == "zoe-bronte"
    assert model.slugify("Иван Петров") == "иван-петров"
    assert model.slugify("李小龍") == "李小龍"
