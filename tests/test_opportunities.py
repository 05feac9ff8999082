"""Opportunities have a life (SPEC §9): open, then won or lost; only open ones feed `generate`;
`--relates opportunity:ID` names a known one."""

import json

import pytest

from interact.store import Store

from conftest import interaction_files


def opportunities(store, account="acme-ltd"):
    return Store(store).accounts()[account]["opportunities"]


def test_won_and_lost_close_an_opportunity_with_its_time(run, demo):
    run.ok("account", "edit", "acme", "--opportunity", "Upsell=3,000")
    run.ok("account", "edit", "acme", "--won", "Renewal 2027", "--lost", "upsell")
    assert opportunities(demo) == [
        {"id": "renewal-2027", "name": "Renewal 2027", "value": 12000, "stage": "won",
         "closed_at": "2026-11-25T10:00:00+00:00"},
        {"id": "upsell", "name": "Upsell", "value": 3000, "stage": "lost", "closed_at": "2026-11-25T10:00:00+00:00"},
    ]
    text = (demo / "accounts" / "acme-ltd.yaml").read_text()  # closed_at last, in the canonical order
    assert "- id: upsell\n  name: Upsell\n  value: 3000\n  stage: lost\n  closed_at: 2026-11-25T10:00:00+00:00\n" in text


def test_a_new_value_keeps_the_stage_and_a_new_name_opens_one(run, demo):
    run.ok("account", "edit", "acme", "--won", "renewal-2027")
    run.ok("account", "edit", "acme", "--opportunity", "Renewal 2027=13000", "--opportunity", "Training=900")
    renewal, training = opportunities(demo)
    assert renewal["value"] == 13000 and renewal["stage"] == "won"
    assert training == {"id": "training", "name": "Training", "value": 900, "stage": "open"}


def test_closing_an_unknown_opportunity_lists_the_accounts_ones(run, demo):
    before = (demo / "accounts" / "acme-ltd.yaml").read_bytes()
    result = run("account", "edit", "acme", "--won", "Big deal")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "Error: no opportunity 'Big deal': account 'acme-ltd' has these (name one by its id):",
        "  renewal-2027  Renewal 2027: 12,000, open",
    ]
    assert (demo / "accounts" / "acme-ltd.yaml").read_bytes() == before
    assert "has none" in run("account", "edit", "moorland", "--lost", "x").stderr


def test_account_show_lists_each_value_and_stage(run, demo):
    run.ok("account", "edit", "acme", "--opportunity", "Upsell=3000", "--lost", "upsell")
    lines = [line.split(None, 1) for line in run.ok("account", "show", "acme").stdout.splitlines()]
    at = lines.index(["opportunities", "renewal-2027  Renewal 2027: 12,000, open"])
    assert lines[at + 1] == ["upsell", "Upsell: 3,000, lost 2026-11-25"]  # the next line, under it
    data = json.loads(run.ok("account", "show", "acme", "--format", "json").stdout)
    assert data["opportunities"][1]["stage"] == "lost" and data["opportunities"][1]["closed_at"]
    acme = next(line for line in run.ok("account", "list").stdout.splitlines() if line.startswith("acme-ltd"))
    assert acme.endswith(" 12,000")  # the list sums the open ones only: not the lost 3,000


def test_only_open_opportunities_count_for_generate(run, demo):
    def planned_accounts():
        out = run.ok("generate", "--for", "prospects", "--dry-run", "--format", "json").stdout
        return sorted(a for record in json.loads(out) for a in record["accounts"])

    assert planned_accounts() == ["brightside-school", "harbour-foods", "kestrel-housing"]
    run.ok("account", "edit", "kestrel", "--won", "tenancy-app")
    run.ok("account", "edit", "harbour", "--lost", "pilot")
    assert planned_accounts() == ["brightside-school"]
    run.ok("account", "edit", "brightside", "--lost", "campus licence")
    result = run("generate", "--for", "prospects", "--dry-run")
    assert result.exit_code == 1 and "0 with an open opportunity" in result.stderr


def test_relates_must_name_a_known_opportunity(run, demo):
    rid = run.ok("log", "call", "jane", "--relates", "opportunity:Renewal 2027", "--relates", "case:4711").stdout
    assert json.loads(run.ok("show", rid.strip(), "--format", "json").stdout)["relates_to"] == \
        ["opportunity:renewal-2027", "case:4711"]
    before = interaction_files(demo)
    result = run("log", "call", "jane", "--relates", "opportunity:nonexistent")
    assert result.exit_code == 1 and result.stdout == ""
    assert result.stderr.splitlines() == [
        "Error: no opportunity 'nonexistent': the store has these (name one by its id):",
        "  renewal-2027  Renewal 2027: 12,000, open (acme-ltd)",  # the accounts of the interaction first
    ]
    result = run("log", "call", "Lena", "--relates", "opportunity:x")  # Harbour Foods: the others too
    assert "pilot  Pilot: 2,500, open (harbour-foods)" in result.stderr
    assert interaction_files(demo) == before


@pytest.mark.parametrize("command", [["assign", "call", "jane"], ["edit", "0ac7"]])
def test_assign_and_edit_check_opportunities_too(run, demo, command):
    before = interaction_files(demo)
    result = run(*command, "--relates", "opportunity:nothing-like-it")
    assert result.exit_code == 1 and "no opportunity 'nothing-like-it'" in result.stderr
    assert interaction_files(demo) == before
    run.ok(*command, "--relates", "opportunity:support-plan")  # another account's: known, so accepted
