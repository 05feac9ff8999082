"""Three clones, thirty random operations each on a shared set of records, synced in random
order (issue 13): conflicts only where two clones set the same field to different values,
and no change lost. The operations run in-process (CliRunner); git is real."""

from __future__ import annotations

import random
import shutil
from collections import defaultdict

import pytest

from interact.merge import present
from interact.merge_file import kind_of_path
from interact.model import load
from interact.store import Store

from conftest import interaction_files
from gitteam import built_team, conflict_sides, git, team  # noqa: F401 (fixtures)

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")

OPERATIONS = 30
PEOPLE = {"jane": "jane-doe", "raj": "raj-patel", "owen": "owen-price"}
OUTCOMES = ["Renewed", "Left voicemail"]
NOTES = ["Offer 10% off", "Offer a free month"]
DAYS = ["2026-11-26T10:00", "2026-11-27T11:00"]
FIELDS = {"term": ["Fall 2027", "Spring 2028"], "stage": ["lead", "won"]}
NEVER_IN_CONFLICT = {"posts", "tags", "contacts", "accounts", "relates_to", "notify"}


class Made:
    """What the clones did that must survive every merge."""

    def __init__(self):
        self.posts, self.tags, self.relates = defaultdict(set), defaultdict(set), defaultdict(set)
        self.outcomes = defaultdict(set)  # completions: the outcomes given
        self.fields = defaultdict(set)    # (contact, field): the values set
        self.conflicts = []               # (path, fields) of every conflict met


def operate(member, rng: random.Random, made: Made, number: int) -> None:
    # in the order they were made in (ids are random): the same seed, the same choices
    records = sorted(Store(member.path).interactions(), key=lambda r: r.get("instructions") or r.get("note"))
    open_ids = [r["id"] for r in records if not r.get("completed_at")]
    any_id = rng.choice(records)["id"]
    operation = rng.choice(["log", "assign", "complete", "comment", "tag", "edit", "relate", "set"])
    if operation in ("complete", "edit", "relate") and not open_ids:
        operation = "comment"
    person = rng.choice(sorted(PEOPLE))
    if operation == "log":
        outcome = rng.choice(OUTCOMES)
        rid = member("log", "call", person, f"log {number}", "--outcome", outcome).stdout.strip()
        made.outcomes[rid].add(outcome)
    elif operation == "assign":
        member("assign", "call", person, f"task {number}", "--when", rng.choice(DAYS))
    elif operation == "complete":
        rid, outcome = rng.choice(open_ids), rng.choice(OUTCOMES)
        member("complete", rid, "--outcome", outcome)
        made.outcomes[rid].add(outcome)
    elif operation == "comment":
        text = f"{member.user} {number}"
        member("comment", any_id, text)
        made.posts[any_id].add(text)
    elif operation == "tag":
        tag = f"t{rng.randint(1, 4)}"
        member("edit", any_id, "--tag", tag)
        made.tags[any_id].add(tag)
    elif operation == "edit":
        change = ["--note", rng.choice(NOTES)] if rng.random() < 0.5 else ["--when", rng.choice(DAYS)]
        member("edit", rng.choice(open_ids), *change)
    elif operation == "relate":
        rid, ref = rng.choice(open_ids), f"case:{rng.randint(1, 4)}"
        member("edit", rid, "--relates", ref)
        made.relates[rid].add(ref)
    else:
        name = rng.choice(sorted(FIELDS))
        value = rng.choice(FIELDS[name])
        member("contact", "edit", person, "--set", f"{name}={value}")
        made.fields[(PEOPLE[person], name)].add(value)


def changed_on_both_sides(base, ours, theirs, name="") -> list[str]:
    """The fields in which OURS and THEIRS differ, each asserted to be set on both sides to
    different values (against BASE): what a true conflict must be."""
    fields = []
    for key in sorted(set(ours) | set(theirs)):
        mine, yours, was = ours.get(key), theirs.get(key), base.get(key)
        if mine == yours:
            continue
        label = f"{name}{key}"
        if isinstance(mine, dict) and isinstance(yours, dict):
            fields += changed_on_both_sides(was if isinstance(was, dict) else {}, mine, yours, f"{label}.")
            continue
        assert key not in NEVER_IN_CONFLICT, label
        assert was != mine and was != yours, (label, was, mine, yours)
        fields.append(label)
    return fields


def finish_conflicts(member, rng: random.Random, made: Made) -> None:
    """Check every file left in conflict, keep one side of each at random, commit the merge."""
    unmerged = sorted(set(git(member.path, "diff", "--name-only", "--diff-filter=U").stdout.split()))
    assert unmerged
    for path in unmerged:
        kind = kind_of_path(path)
        assert kind is not None, path  # only records conflict
        base_text = git(member.path, "show", f":1:{path}", check=False).stdout
        ours_text, theirs_text = conflict_sides((member.path / path).read_text())
        base, ours, theirs = (present(load(text) if text.strip() else {}, kind)
                              for text in (base_text, ours_text, theirs_text))
        fields = changed_on_both_sides(base, ours, theirs)
        assert fields, path  # a conflict with no disagreement in it would be a needless one
        made.conflicts.append((path, fields))
        (member.path / path).write_text(rng.choice([ours_text, theirs_text]))
        git(member.path, "add", path)
    git(member.path, "commit", "-q", "--no-edit")


def sync(member, rng: random.Random, made: Made) -> None:
    for _ in range(5):
        result = member.run("sync")
        if result.exit_code == 0:
            return
        assert "could not be merged" in result.stderr, result.stderr
        finish_conflicts(member, rng, made)
    raise AssertionError("sync did not settle")


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_random_work_in_three_clones_merges_without_loss(team, seed):
    rng = random.Random(seed)
    made = Made()
    alice = team.members[0]
    for number, person in enumerate(["jane", "raj", "owen", "jane"]):  # the shared records
        alice("assign", "call", person, f"shared {number}", "--when", rng.choice(DAYS))
    for member in team.members:
        sync(member, rng, made)
    left = {member.user: OPERATIONS for member in team.members}
    number = 0
    while any(left.values()):
        member = rng.choice([m for m in team.members if left[m.user]])
        left[member.user] -= 1
        number += 1
        operate(member, rng, made, number)
        if rng.random() < 0.2:
            sync(member, rng, made)
    for _ in range(2):  # everyone shares, then everyone takes what the others shared
        for member in team.members:
            sync(member, rng, made)

    stores = [(interaction_files(m.path), sorted(p.read_bytes() for p in (m.path / "contacts").iterdir()))
              for m in team.members]
    assert stores[0] == stores[1] == stores[2]
    assert made.conflicts  # each seed here meets a true conflict: that path is tested too
    assert alice.run("check").exit_code == 0
    alice.listing()  # cached equals --no-cache
    records = {r["id"]: r for r in Store(alice.path, cache=False).interactions()}
    for rid, texts in made.posts.items():
        assert texts <= {p["text"] for p in records[rid].get("posts", [])}, rid
    for rid, tags in made.tags.items():
        assert tags <= set(records[rid].get("tags", [])), rid
    for rid, refs in made.relates.items():
        assert refs <= set(records[rid].get("relates_to", [])), rid
    for rid, outcomes in made.outcomes.items():
        assert records[rid].get("completed_at") and records[rid]["outcome"] in outcomes, rid
    for (contact, name), values in made.fields.items():
        fields = load((alice.path / "contacts" / f"{contact}.yaml").read_bytes()).get("fields", {})
        assert fields.get(name) in values, (contact, name)
