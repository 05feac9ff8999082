"""types: list, add, rename (rewriting records), move; interact.yaml keeps its comments."""

from interact.model import load
from interact.types_config import with_types

from conftest import interaction_files


def _config(store):
    return (store / "interact.yaml").read_text()


def test_list_in_order(run):
    assert run.ok("types").stdout.split() == ["call", "visit", "email", "meeting", "chat", "note"]


def test_add_keeps_comments_and_changes_only_the_types_line(run, demo):
    before = _config(demo).splitlines()
    result = run.ok("types", "add", "site-visit")
    assert "added type site-visit" in result.stderr
    after = _config(demo).splitlines()
    changed = [(a, b) for a, b in zip(before, after) if a != b]
    assert changed == [("types: [call, visit, email, meeting, chat, note]   # ordered; add your own",
                        "types: [call, visit, email, meeting, chat, note, site-visit]   # ordered; add your own")]
    assert run.ok("types").stdout.split()[-1] == "site-visit"


def test_add_refuses_existing_and_odd_names(run, demo):
    before = _config(demo)
    assert "already a type" in run("types", "add", "call").stderr
    bad = run("types", "add", "phone call")
    assert bad.exit_code == 1 and "one word" in bad.stderr
    assert _config(demo) == before


def test_rename_rewrites_the_records_that_use_it(run, demo):
    files = interaction_files(demo)
    chats = [rid for rid, data in files.items() if load(data)["type"] == "chat"]
    result = run.ok("types", "rename", "chat", "instant-message")
    assert "in 1 interaction" in result.stderr and len(chats) == 1
    assert run.ok("types").stdout.split() == ["call", "visit", "email", "meeting", "instant-message", "note"]
    after = interaction_files(demo)
    assert load(after[chats[0]])["type"] == "instant-message"
    assert after[chats[0]] == files[chats[0]].replace(b"type: chat\n", b"type: instant-message\n")
    assert {rid: data for rid, data in after.items() if rid not in chats} == {
        rid: data for rid, data in files.items() if rid not in chats}
    assert "# ordered; add your own" in _config(demo)
    assert run.ok("export").stderr == ""  # every record is still valid


def test_rename_onto_an_existing_type_merges(run, demo):
    run.ok("types", "rename", "chat", "call")
    assert run.ok("types").stdout.split() == ["call", "visit", "email", "meeting", "note"]
    assert all(load(data)["type"] != "chat" for data in interaction_files(demo).values())


def test_rename_unknown_type(run):
    result = run("types", "rename", "fax", "telefax")
    assert result.exit_code == 1 and "'fax' is not a configured type" in result.stderr


def test_move(run):
    run.ok("types", "move", "note", "1")
    assert run.ok("types").stdout.split() == ["note", "call", "visit", "email", "meeting", "chat"]
    result = run("types", "move", "note", "9")
    assert result.exit_code == 1 and "from 1 to 6" in result.stderr


def test_without_a_one_line_types_list_the_file_is_rewritten_or_appended():
    block = "version: 1\n# comment\ntypes:\n  - call\n  - visit\n"
    rewritten = with_types(block, ["visit", "call"])
    assert load(rewritten)["types"] == ["visit", "call"] and load(rewritten)["version"] == 1
    assert with_types("version: 1  # kept\n", ["call"]) == "version: 1  # kept\ntypes: [call]\n"
