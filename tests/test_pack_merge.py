"""Month packs in a team log (SPEC §11 with §8): a pack merged record by record by the driver
(and by `interact sync`), and `sync` packing the months that are due before it commits."""

from __future__ import annotations

import shutil

import pytest

from interact.merge_file import kind_of_path, merge_packs, merge_texts
from interact.model import dump, load
from interact.packs import documents

from gitteam import built_team, git, team  # noqa: F401 (fixtures)

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")

LATER = "2027-06-01T10:00:00"  # the team's call (2026-11-27) is in a month packed by then
PACK = "interactions/2026/11.pack.yaml"


def pack_of(member) -> dict[str, dict]:
    return {record["id"]: record for record in (load(d) for _, d in documents((member.path / PACK).read_bytes()))}


def completed_and_packed(team):
    """bob completes the team's call and syncs: `sync` packs its month before it commits."""
    alice, bob = team.members[:2]
    bob("complete", team.rid, "--outcome", "Renewed")
    result = bob.run("sync", env={"INTERACT_USER": "bob", "INTERACT_NOW": LATER})
    assert result.exit_code == 0, result.stderr
    assert "packed 1 interaction into 1 month pack" in result.stderr
    assert git(bob.path, "status", "--porcelain").stdout == ""  # the pack was committed with the rest
    assert (bob.path / PACK).exists() and not list(bob.path.glob("interactions/2026/11/*.yaml"))
    code, said = alice.merge("sync")
    assert code == 0, said
    return alice, bob


@pytest.mark.parametrize("way", ["pull", "sync"])
def test_a_packed_record_changed_in_two_clones_and_packed_again_merges_record_by_record(team, way):
    alice, bob = completed_and_packed(team)
    alice("comment", team.rid, "She sent the signed copy", now=LATER)
    alice("pack", now=LATER)
    bob("edit", team.rid, "--tag", "vip", now=LATER)
    bob("pack", now=LATER)
    bob.push()
    code, said = alice.merge(way)
    assert code == 0 and "CONFLICT" not in said, said
    record = pack_of(alice)[team.rid]
    assert record["tags"] == ["vip"] and record["posts"][0]["text"] == "She sent the signed copy"
    assert alice.run.ok("check").stdout == ""
    alice.listing()  # the index and --no-cache agree


def test_the_same_field_set_otherwise_in_two_clones_conflicts_in_that_record_only(team):
    alice, bob = completed_and_packed(team)
    other = alice.run.ok("log", "call", "raj", "Catch-up", "--when", "2026-11-20T10:00",
                         env={"INTERACT_NOW": LATER}).stdout.strip()
    alice("pack", now=LATER)
    alice.push()
    code, said = bob.merge("sync")
    assert code == 0, said
    alice("edit", team.rid, "--category", "renewals", now=LATER)
    alice("pack", now=LATER)
    bob("edit", team.rid, "--category", "upsell", now=LATER)
    bob("pack", now=LATER)
    bob.push()
    code, said = alice.merge("pull")
    assert code != 0
    text = (alice.path / PACK).read_text()
    assert text.count("<<<<<<<") == 1 and "renewals" in text and "upsell" in text
    listed = alice.run("list", "--everyone", "--status", "all", "--format", "ids")
    assert other in listed.stdout and team.rid not in listed.stdout  # the other record is read
    assert f"record {team.rid}" in listed.stderr
    assert f"{PACK}: record {team.rid}: git conflict markers" in alice.run("check").stdout


def test_merge_packs_by_the_rules_of_records():
    def record(rid, **fields):
        return {"id": rid, "type": "call", "when": "2026-05-01T10:00:00+00:00", "completed_at": "2026-05-01T10:00:00+00:00",
                **fields}

    def text(*records):
        return "".join(f"---\n{dump(r, 'interaction')}" for r in records).encode()

    a, b, c, d = (record(f"{letter}000000000") for letter in "abcd")
    base = text(a, b, c)
    ours = text(a, {**b, "tags": ["mine"]}, record("e000000000"))            # c deleted; e added
    theirs = text({**a, "note": "theirs"}, {**b, "tags": ["yours"]}, {**c, "note": "kept"}, d)  # c changed
    merged = merge_packs(base, ours, theirs)
    assert merged.clean
    result = {r["id"]: r for r in (load(doc) for _, doc in documents(merged.text))}
    assert list(result) == ["a000000000", "b000000000", "c000000000", "d000000000", "e000000000"]
    assert result["a000000000"]["note"] == "theirs" and result["b000000000"]["tags"] == ["mine", "yours"]
    assert result["c000000000"]["note"] == "kept"  # deleted on one side, changed on the other: kept
    gone = merge_packs(base, text(a, b), text(a, b, c))  # deleted on one side, unchanged on the other
    assert [load(doc)["id"] for _, doc in documents(gone.text)] == ["a000000000", "b000000000"]
    assert merged.text == merge_texts(base, ours, theirs, "records/interactions/2026/05.pack.yaml").text
    assert kind_of_path("interactions/2026/05.pack.yaml") == "pack" and kind_of_path("interactions/05.pack.yaml") is None
    broken = merge_texts(base, ours + b"---\nid: [\n", theirs, "interactions/2026/05.pack.yaml")
    assert not broken.by_record  # a side that does not parse: git's line merge
