"""Two and three clones of one bare remote, changing the same record the same day, then merging
(SPEC §8, "Expected outcome"): with `git pull` through the registered merge driver, and with
`interact sync`, which merges the same way in one process. Real git throughout."""

from __future__ import annotations

import shutil

import pytest

from interact.model import load

from gitteam import built_team, git, team  # noqa: F401 (fixtures)

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")

WAYS = ["pull", "sync"]


def merged_cleanly(member, outcome) -> None:
    """No conflict, everything committed, `check` clean, cached listings equal --no-cache."""
    code, said = outcome
    assert code == 0, said
    assert "CONFLICT" not in said
    assert git(member.path, "status", "--porcelain").stdout == ""
    check = member.run("check")
    assert (check.exit_code, check.stdout) == (0, "")
    member.listing()


def both_sides(team, way, mine, theirs):
    """bob does `theirs` and pushes; alice does `mine`, then merges bob's work."""
    alice, bob = team.members[:2]
    theirs(bob)
    bob.push()
    mine(alice)
    outcome = alice.merge(way)
    merged_cleanly(alice, outcome)
    return alice.record(team.rid)


@pytest.mark.parametrize("way", WAYS)
def test_two_first_comments_on_one_record(team, way):
    record = both_sides(team, way, lambda m: m("comment", team.rid, "Alice called her"),
                        lambda m: m("comment", team.rid, "Bob emailed her", now="2026-11-25T09:00"))
    assert [(p["by"], p["text"]) for p in record["posts"]] == [("bob", "Bob emailed her"), ("alice", "Alice called her")]


@pytest.mark.parametrize("way", WAYS)
def test_complete_against_a_first_comment(team, way):
    record = both_sides(team, way, lambda m: m("complete", team.rid, "--outcome", "Renewed", "--next-action", "Invoice"),
                        lambda m: m("comment", team.rid, "She wants a discount"))
    assert (record["outcome"], record["completed_by"], record["next_action"]) == ("Renewed", "alice", "Invoice")
    assert record["posts"][0]["text"] == "She wants a discount"


@pytest.mark.parametrize("way", WAYS)
def test_a_tag_against_a_comment_and_a_tag_against_a_tag(team, way):
    record = both_sides(team, way, lambda m: (m("edit", team.rid, "--tag", "vip"), m("edit", team.rid, "--tag", "q4")),
                        lambda m: (m("comment", team.rid, "Noted"), m("edit", team.rid, "--tag", "renewal")))
    assert record["tags"] == ["vip", "q4", "renewal"]
    assert record["posts"][0]["text"] == "Noted"


@pytest.mark.parametrize("way", WAYS)
def test_two_completions_with_the_same_outcome_keep_the_earlier(team, way):
    record = both_sides(team, way, lambda m: m("complete", team.rid, "--outcome", "Renewed"),
                        lambda m: m("complete", team.rid, "--outcome", "Renewed", now="2026-11-25T08:30"))
    assert (record["completed_by"], record["completed_at"]) == ("bob", "2026-11-25T08:30:00+00:00")
    assert record["when"] == "2026-11-27T10:00:00+00:00"  # as planned: neither completion moved it


@pytest.mark.parametrize("way", WAYS)
def test_the_same_contact_added_in_both_clones_with_other_details(team, way):
    both_sides(team, way, lambda m: m("contact", "add", "Sam Okafor", "--set", "term=Fall 2027"),
               lambda m: m("contact", "add", "Sam Okafor", "--email", "sam@example.com", "--set", "country=Nigeria"))
    sam = load((team.members[0].path / "contacts/sam-okafor.yaml").read_bytes())
    assert sam["email"] == "sam@example.com"
    assert sam["fields"] == {"term": "Fall 2027", "country": "Nigeria"}


@pytest.mark.parametrize("way", WAYS)
def test_types_added_in_both_clones(team, way):
    both_sides(team, way, lambda m: m("types", "add", "fax"), lambda m: m("types", "add", "letter"))
    alice = team.members[0]
    assert alice.run.ok("types").stdout.split()[-2:] == ["fax", "letter"]
    assert "# ordered; add your own" in (alice.path / "interact.yaml").read_text()


@pytest.mark.parametrize("way", WAYS)
def test_edit_when_against_a_comment_moves_the_file_and_keeps_the_comment(team, way):
    record = both_sides(team, way, lambda m: m("comment", team.rid, "Bring the brochure"),
                        lambda m: m("edit", team.rid, "--when", "2026-12-02T10:00"))
    assert record["when"] == "2026-12-02T10:00:00+00:00"
    assert record["posts"][0]["text"] == "Bring the brochure"
    assert record.path.parent.name == "12" and not list((team.members[0].path / "interactions/2026/11").glob("*"))


@pytest.mark.parametrize("way", WAYS)
def test_edit_against_relate_and_relate_against_tag(team, way):
    record = both_sides(team, way,
                        lambda m: (m("edit", team.rid, "--instructions", "Offer 10% off", "--when", "2026-11-27T11:00"),
                                   m("edit", team.rid, "--relates", "case:4711")),
                        lambda m: (m("edit", team.rid, "--relates", "ticket:88"), m("edit", team.rid, "--tag", "vip")))
    assert (record["instructions"], record["when"]) == ("Offer 10% off", "2026-11-27T11:00:00+00:00")
    assert record["relates_to"] == ["case:4711", "ticket:88"]
    assert record["tags"] == ["vip"]


@pytest.mark.parametrize("way", WAYS)
def test_generate_in_both_clones(team, way):
    plan = ("generate", "--for", "prospects", "--to", "alice", "--date", "2026-11-26")
    both_sides(team, way, lambda m: m(*plan), lambda m: m(*plan))
    alice = team.members[0]
    planned = [r for r in alice.listing() if r.get("generated")]
    assert [r["generated"] for r in planned] == ["2026-11-26/prospects"]


@pytest.mark.parametrize("way", WAYS)
def test_two_note_edits_are_a_true_conflict_that_check_names(team, way):
    alice, bob = team.members[:2]
    bob("edit", team.rid, "--note", "Offer a free month")
    bob("comment", team.rid, "Bob's comment")
    bob.push()
    alice("edit", team.rid, "--note", "Offer 10% off")
    code, said = alice.merge(way)
    assert code == 1
    path = f"interactions/2026/11/{team.rid}.yaml"
    assert path in said
    text = (alice.path / path).read_text()
    assert "<<<<<<< ours\nnote: Offer 10% off\n=======\nnote: Offer a free month\n>>>>>>> theirs\n" in text
    assert "Bob's comment" in text  # what merged is in, outside the markers
    check = alice.run("check")
    assert check.exit_code == 1 and check.stdout.startswith(f"{path}: git conflict markers (lines ")
    # the other commands go on, skipping that file with a warning that names it
    listing = alice.run("list", "--everyone", "--status", "all")
    assert listing.exit_code == 0 and f"warning: skipped {path}: git conflict markers" in listing.stderr
    assert "Jane Doe" not in listing.stdout and alice.run.ok("contact", "list").stdout.count("\n") > 2
    alice("log", "call", "raj", "Still working")


def test_three_clones_in_turn(team):
    alice, bob, carol = team.members
    for member, tag in ((alice, "a"), (bob, "b"), (carol, "c")):
        member("comment", team.rid, f"{member.user} was here")
        member("edit", team.rid, "--tag", tag)
    alice.push()
    for member in (bob, carol):  # each merges what is there, then shares it
        merged_cleanly(member, member.merge("pull"))
        git(member.path, "push", "-q")
    merged_cleanly(alice, alice.merge("sync"))
    records = [m.record(team.rid) for m in team.members]
    assert records[0] == records[2]
    assert sorted(p["text"] for p in records[0]["posts"]) == ["alice was here", "bob was here", "carol was here"]
    assert sorted(records[0]["tags"]) == ["a", "b", "c"]


def test_a_clone_without_the_driver_merges_lines_as_before(team):
    """SPEC §8: a clone that did not run git-setup falls back to git's line merge, and two
    first comments then conflict, as they did before the driver: the driver is what merges them."""
    alice, bob = team.members[:2]
    git(alice.path, "config", "--unset", "merge.interact.driver")
    git(alice.path, "config", "--unset", "merge.interact.name")
    bob("comment", team.rid, "Bob emailed her")
    bob.push()
    alice("comment", team.rid, "Alice called her")
    code, said = alice.merge("pull")
    assert code == 1 and "CONFLICT (content)" in said
