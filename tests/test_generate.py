"""generate: planning a day of calls (SPEC §6)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date, datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from interact import actions, generate, people
from interact.model import derived_id, load
from interact.layout import init_store
from interact.store import Store

from conftest import Run, interaction_files

LONDON = ZoneInfo("Europe/London")
NOW = datetime(2026, 11, 25, 10, 0, tzinfo=LONDON)  # the fixed clock of conftest
TOMORROW = "2026-11-26"


def add(store: Store, name: str, kind: str = "prospect", town: str = "Leeds", postcode: str = "LS1 1AA",
        value: int | None = 1000, contact: str | None = "", default: bool = True):
    """An account, with one contact (named after it unless given; None for no contact)."""
    account = people.add_account(store, name, kind=kind, town=town, postcode=postcode,
                                 opportunity_pairs={"Deal": str(value)} if value is not None else None)
    if contact is not None:
        person = people.add_contact(store, contact or f"{name} Contact", account_refs=[account["id"]])
        if default:
            account["default_contact"] = person["id"]
            store.save(account, "account")
    return account


def contacted(store: Store, account_id: str, when: datetime):
    """A completed call with the account's contact at `when`."""
    contact = people.contact_of_account(store, store.accounts()[account_id])
    return actions.log(store, when, "alice", actions.Draft(type="call", who=contact["id"], when=when))[0]


def planned(store: Store, when: datetime, duration=None, assignee="alice", contact="", account_refs=()):
    """An open interaction planned at `when` (with a contact, or personal)."""
    draft = actions.Draft(type="meeting", who=contact or None, personal=not contact, when=when, duration=duration,
                          assignee=assignee, account_refs=list(account_refs))
    return actions.assign(store, NOW, "alice", draft)[0]


def generated(run: Run, *args, fmt="json"):
    result = run.ok("generate", "--for", "prospects", "--format", fmt, *args)
    return (json.loads(result.stdout) if fmt == "json" else result.stdout), result.stderr


@pytest.fixture
def store(empty) -> Store:
    return Store(empty)


# --- what a generated interaction is ---------------------------------------------

def test_a_generated_interaction_depends_only_on_the_arguments(store, run_empty, empty):
    add(store, "Acme", value=5000, contact="Jane Doe")
    records, stderr = generated(run_empty, "--note", "Introduce the pilot")
    assert stderr == "planned 1 call for alice on 2026-11-26 (prospects)\n" \
                     "note: 1 of the 8 asked for: no more accounts qualify\n"
    rid = derived_id("2026-11-26/prospects/acme")
    assert [r["id"] for r in records] == [rid]
    path = empty / "interactions" / "2026" / "11" / f"{rid}.yaml"
    assert path.read_text() == (
        f"id: {rid}\n"
        "type: call\n"
        "when: 2026-11-26T09:00:00+00:00\n"
        "duration: 30\n"
        "contacts: [jane-doe]\n"
        "accounts: [acme]\n"
        "assignee: alice\n"
        "created_by: generate\n"
        "instructions: Introduce the pilot\n"
        "generated: 2026-11-26/prospects\n"
    )
    assert records[0]["status"] == "open"


def test_options_shape_the_interactions(store, run_empty):
    add(store, "Acme")
    add(store, "Beta")
    records, stderr = generated(run_empty, "--date", "2026-12-01", "--start", "2pm", "--duration", "20m",
                                "--gap", "10m", "--type", "visit", "--to", "bob", "--count", "2")
    assert [(r["when"], r["duration"], r["type"], r["assignee"], r["generated"]) for r in records] == [
        ("2026-12-01T14:00:00+00:00", 20, "visit", "bob", "2026-12-01/prospects"),
        ("2026-12-01T14:30:00+00:00", 20, "visit", "bob", "2026-12-01/prospects"),
    ]
    assert stderr == "planned 2 visits for bob on 2026-12-01 (prospects)\n"


def test_the_slot_time_carries_the_local_offset(store, run_empty):
    add(store, "Acme")
    records, _ = generated(run_empty, "--date", "2026-06-01")
    assert records[0]["when"] == "2026-06-01T09:00:00+01:00"


def test_an_account_is_reached_through_its_default_contact_else_the_first_by_id(store, run_empty):
    acme = add(store, "Acme", contact="Zed Zulu")
    people.add_contact(store, "Amy Able", account_refs=["acme"])   # first by id, but not the default
    add(store, "Beta", contact="Yan Young", default=False)
    people.add_contact(store, "Bob Brown", account_refs=["beta"])
    assert acme["default_contact"] == "zed-zulu"
    records, _ = generated(run_empty)
    assert {r["accounts"][0]: r["contacts"] for r in records} == {"acme": ["zed-zulu"], "beta": ["bob-brown"]}


def test_accounts_without_a_contact_are_left_out_with_a_warning(store, run_empty):
    add(store, "Acme", contact=None)
    add(store, "Beta")
    records, stderr = generated(run_empty)
    assert [r["accounts"] for r in records] == [["beta"]]
    assert "warning: left out 1 account with no contact to call: acme" in stderr


# --- ordering ---------------------------------------------------------------------

def test_order_never_contacted_then_least_recent_then_largest_opportunity_then_name(store, run_empty):
    add(store, "Delta", value=100)
    add(store, "Bravo", value=500)
    add(store, "Alpha", value=500)
    add(store, "Recent", value=90000)
    add(store, "Earlier", value=1)
    add(store, "Earlier Big", value=800)
    contacted(store, "recent", datetime(2026, 11, 20, 10, 0, tzinfo=LONDON))
    contacted(store, "earlier", datetime(2026, 10, 1, 10, 0, tzinfo=LONDON))
    contacted(store, "earlier-big", datetime(2026, 10, 1, 10, 0, tzinfo=LONDON))
    records, _ = generated(run_empty)
    assert [(r["accounts"][0], r["when"][11:16]) for r in records] == [
        ("alpha", "09:00"), ("bravo", "09:30"), ("delta", "10:00"),
        ("earlier-big", "10:30"), ("earlier", "11:00"), ("recent", "11:30"),
    ]


def test_the_latest_completed_interaction_is_the_contact_time_and_open_ones_do_not_count(store, run_empty):
    add(store, "Alpha")
    add(store, "Bravo")
    contacted(store, "alpha", datetime(2026, 9, 1, 10, 0, tzinfo=LONDON))
    contacted(store, "alpha", datetime(2026, 11, 1, 10, 0, tzinfo=LONDON))
    contacted(store, "bravo", datetime(2026, 10, 1, 10, 0, tzinfo=LONDON))
    planned(store, datetime(2026, 12, 5, 10, 0, tzinfo=LONDON), contact="alpha-contact")  # open: no contact time
    records, _ = generated(run_empty)
    assert [r["accounts"][0] for r in records] == ["bravo", "alpha"]


# --- filters ----------------------------------------------------------------------

def test_for_picks_the_kind(store, run_empty):
    add(store, "Acme", kind="customer")
    add(store, "Beta", kind="prospect")
    result = run_empty.ok("generate", "--for", "customers", "--format", "json")
    assert [r["accounts"] for r in json.loads(result.stdout)] == [["acme"]]
    assert "(customers)" in result.stderr
    assert json.loads(result.stdout)[0]["generated"] == "2026-11-26/customers"


def test_town_is_case_insensitive(store, run_empty):
    add(store, "Acme", town="Leeds")
    add(store, "Beta", town="York")
    records, _ = generated(run_empty, "--town", "leeds")
    assert [r["accounts"] for r in records] == [["acme"]]


def test_postcode_is_a_prefix_ignoring_case_and_spaces(store, run_empty):
    add(store, "Acme", postcode="LS1 4AP")
    add(store, "Beta", postcode="ls14ap")
    add(store, "Gamma", postcode="LS2 7EW")
    add(store, "Delta", postcode="HU1 1AA")
    records, _ = generated(run_empty, "--postcode", "ls 14")
    assert sorted(r["accounts"][0] for r in records) == ["acme", "beta"]
    add(store, "Sheffield", postcode="S1 2HE")
    records, _ = generated(run_empty, "--postcode", "LS2", "--date", "2026-11-27")
    assert [r["accounts"] for r in records] == [["gamma"]]
    records, _ = generated(run_empty, "--postcode", "s1", "--date", "2026-11-28")
    assert [r["accounts"] for r in records] == [["sheffield"]]


def test_value_bounds_are_inclusive_and_only_open_opportunities_count(store, run_empty):
    add(store, "Small", value=999)
    add(store, "Low", value=1000)
    add(store, "High", value=5000)
    add(store, "Huge", value=5001)
    add(store, "None", value=None)
    won = add(store, "Won", value=3000)
    won["opportunities"][0]["stage"] = "won"
    store.save(won, "account")
    records, _ = generated(run_empty, "--min-value", "1000", "--max-value", "5000")
    assert sorted(r["accounts"][0] for r in records) == ["high", "low"]
    records, _ = generated(run_empty, "--date", "2026-11-27")
    assert sorted(r["accounts"][0] for r in records) == ["high", "huge", "low", "small"]


def test_no_opportunities_takes_accounts_without_one(store, run_empty):
    add(store, "Bare", value=None)
    add(store, "Rich", value=100)
    records, _ = generated(run_empty, "--no-opportunities")
    assert [r["accounts"][0] for r in records] == ["rich", "bare"]  # largest opportunity first


def test_exclude_contacted_within_counts_back_from_the_planned_day(store, run_empty):
    add(store, "Inside")
    add(store, "Outside")
    add(store, "Never")
    # 90 days before 2026-11-26 00:00 is 2026-08-28 00:00
    contacted(store, "inside", datetime(2026, 8, 28, 0, 0, tzinfo=LONDON))
    contacted(store, "outside", datetime(2026, 8, 27, 23, 59, tzinfo=LONDON))
    records, _ = generated(run_empty, "--exclude-contacted-within", "90d")
    assert [r["accounts"][0] for r in records] == ["never", "outside"]


# --- slots ------------------------------------------------------------------------

def test_slots_skip_what_the_assignee_already_has_that_day(store, run_empty):
    for name in "ABCDEF":
        add(store, f"Account {name}")
    add(store, "Other", contact="Olive Other")
    planned(store, datetime(2026, 11, 26, 9, 40, tzinfo=LONDON), duration=30)           # blocks 09:30 and 10:00
    planned(store, datetime(2026, 11, 26, 11, 0, tzinfo=LONDON))                        # an instant: blocks 11:00
    planned(store, datetime(2026, 11, 26, 10, 30, tzinfo=LONDON), duration=30, assignee="bob")  # not alice's
    planned(store, datetime(2026, 11, 27, 9, 0, tzinfo=LONDON), duration=600)            # another day
    done = planned(store, datetime(2026, 11, 26, 12, 0, tzinfo=LONDON), duration=60)
    actions.complete(store, NOW, "alice", done["id"], outcome="done early")              # completed: free
    records, _ = generated(run_empty, "--count", "6")
    assert [r["when"][11:16] for r in records] == ["09:00", "10:30", "11:30", "12:00", "12:30", "13:00"]


def test_a_slot_ending_where_another_begins_is_free(store, run_empty):
    add(store, "Acme")
    add(store, "Beta")
    planned(store, datetime(2026, 11, 26, 9, 30, tzinfo=LONDON), duration=30)
    records, _ = generated(run_empty)
    assert [r["when"][11:16] for r in records] == ["09:00", "10:00"]


def test_instant_slots_skip_an_instant_at_the_same_time(store, run_empty):
    add(store, "Acme")
    add(store, "Beta")
    planned(store, datetime(2026, 11, 26, 9, 0, tzinfo=LONDON))
    records, _ = generated(run_empty, "--duration", "0", "--gap", "15m")
    assert [(r["when"][11:16], r.get("duration")) for r in records] == [("09:15", None), ("09:30", None)]


def test_slots_end_at_midnight(store, run_empty):
    for name in "ABC":
        add(store, f"Account {name}")
    records, stderr = generated(run_empty, "--start", "23:00")
    assert [r["when"][11:16] for r in records] == ["23:00", "23:30"]
    assert "note: 2 of the 8 asked for: the day has no more free slots" in stderr


def test_a_day_without_a_free_slot_has_nothing_to_add(store, run_empty, empty):
    add(store, "Acme")
    result = run_empty.ok("generate", "--for", "prospects", "--start", "23:45")
    assert (result.stdout, result.stderr) == ("", "nothing to add: alice has no free slot on 2026-11-26 from 23:45\n")
    assert interaction_files(empty) == {}


def test_free_slots_step_in_elapsed_time_across_a_change_of_clocks():
    request = generate.Request(kind="prospects", day=date(2026, 3, 29), assignee="alice", start=time(0, 30),
                               duration=60)
    slots = generate.free_slots(request, [], LONDON)
    assert [next(slots).isoformat() for _ in range(3)] == [
        "2026-03-29T00:30:00+00:00", "2026-03-29T02:30:00+01:00", "2026-03-29T03:30:00+01:00",
    ]


# --- idempotence ------------------------------------------------------------------

def test_a_second_run_tops_the_batch_up_and_never_plans_an_account_twice(store, run_empty, empty):
    for name in "ABCDEF":
        add(store, f"Account {name}")
    first, _ = generated(run_empty, "--count", "2")
    second, stderr = generated(run_empty, "--count", "5")
    assert stderr == "planned 3 calls for alice on 2026-11-26 (prospects); 5 in all\n"
    assert [r["when"][11:16] for r in first + second] == ["09:00", "09:30", "10:00", "10:30", "11:00"]
    accounts = [r["accounts"][0] for r in first + second]
    assert len(set(accounts)) == 5
    before = interaction_files(empty)
    third = run_empty.ok("generate", "--for", "prospects", "--count", "5")
    assert third.stdout == ""
    assert third.stderr == "nothing to add: alice already has 5 calls generated for 2026-11-26 (prospects); " \
                           "raise --count for more\n"
    assert interaction_files(empty) == before


def test_nothing_left_when_every_qualifying_account_is_planned_that_day(store, run_empty, empty):
    add(store, "Acme")
    add(store, "Beta")
    planned(store, datetime(2026, 11, 26, 15, 0, tzinfo=LONDON), contact="beta-contact", assignee="bob")
    generated(run_empty)
    before = interaction_files(empty)
    result = run_empty.ok("generate", "--for", "prospects", "--to", "carol")
    assert result.stderr == "nothing to add: every qualifying account (2 prospects) is already planned for " \
                            "2026-11-26\n"
    assert interaction_files(empty) == before


def test_each_assignee_gets_their_count_from_one_days_batch(store, run_empty):
    for name in "ABCD":
        add(store, f"Account {name}")
    alice, _ = generated(run_empty, "--count", "2", "--to", "alice")
    bob, _ = generated(run_empty, "--count", "2", "--to", "bob")
    assert [r["assignee"] for r in alice + bob] == ["alice", "alice", "bob", "bob"]
    assert len({r["accounts"][0] for r in alice + bob}) == 4


def test_a_record_already_on_disk_is_the_same_record_and_is_skipped(store):
    add(store, "Acme")
    request = generate.Request(kind="prospects", day=date(2026, 11, 26), assignee="alice")
    plan = generate.plan(store, request, LONDON)
    assert store.add_interactions(plan.records) == plan.records
    again = [load(plan.records[0].path.read_bytes())]
    assert store.add_interactions(again) == []


def test_two_clones_planning_the_same_day_write_byte_identical_files(tmp_path):
    stores = []
    for name in ("clone-a", "clone-b"):
        store = Store(init_store(tmp_path / name))
        for account in ("Acme", "Beta", "Gamma"):
            add(store, account)
        contacted(store, "beta", datetime(2026, 10, 1, 10, 0, tzinfo=LONDON))
        stores.append(store)
    # different clocks and different users running it: only --date and --to matter
    Run(stores[0].root).ok("generate", "--for", "prospects", "--to", "alice", "--date", TOMORROW, "--count", "3")
    Run(stores[1].root).ok("generate", "--for", "prospects", "--to", "alice", "--date", TOMORROW, "--count", "3",
                           env={"INTERACT_NOW": "2026-11-25T23:59:00", "INTERACT_USER": "bob"})
    files = [{k: v for k, v in interaction_files(s.root).items() if b"generated:" in v} for s in stores]
    assert len(files[0]) == 3
    assert files[0] == files[1]


# --- output and errors ------------------------------------------------------------

def test_dry_run_lists_and_writes_nothing(store, run_empty, empty):
    add(store, "Acme")
    before = interaction_files(empty)
    records, stderr = generated(run_empty, "--dry-run")
    assert [r["accounts"] for r in records] == [["acme"]]
    assert stderr.startswith("would plan 1 call for alice on 2026-11-26 (prospects) (dry run: nothing written)\n")
    assert interaction_files(empty) == before


def test_format_ids_prints_only_full_ids(store, run_empty):
    add(store, "Acme")
    add(store, "Beta")
    out, _ = generated(run_empty, fmt="ids")
    assert out.split() == [derived_id(f"2026-11-26/prospects/{a}") for a in ("acme", "beta")]


def test_table_lists_the_planned_calls(store, run_empty):
    add(store, "Acme", contact="Jane Doe")
    out, _ = generated(run_empty, fmt="table")
    assert "2026-11-26 09:00" in out and "Jane Doe, Acme" in out and "open" in out


@pytest.mark.parametrize("args, message", [
    ((), "nothing to plan: 0 prospects in the store. Add one with `interact account add NAME --kind prospect`."),
    (("--town", "Leeds"), "nothing to plan: 3 prospects, 0 in town 'Leeds'."),
    (("--postcode", "LS9"), "nothing to plan: 3 prospects, 0 with a postcode starting 'LS9'."),
    (("--town", "York", "--min-value", "600"),
     "nothing to plan: 3 prospects, 2 in town 'York', 0 with an open opportunity worth at least 600."),
    (("--max-value", "4"), "nothing to plan: 3 prospects, 0 with an open opportunity worth at most 4."),
    (("--min-value", "6", "--max-value", "400.5"),
     "nothing to plan: 3 prospects, 0 with an open opportunity worth 6 to 400.5."),
    (("--town", "hull", "--exclude-contacted-within", "30d"),
     "nothing to plan: 3 prospects, 1 in town 'hull', 1 with an open opportunity, "
     "0 not contacted in the 30 days before 2026-11-26."),
])
def test_no_qualifying_account_names_the_filter_that_left_none(store, empty, args, message):
    kind = "customer" if not args else "prospect"
    add(store, "York One", town="York", postcode="YO1 1AA", value=500, kind=kind)
    add(store, "York Two", town="York", postcode="YO1 2AA", value=None, kind=kind)
    add(store, "Hull One", town="Hull", postcode="HU1 1AA", value=5, kind=kind)
    if kind == "prospect":
        contacted(store, "hull-one", datetime(2026, 11, 20, 10, 0, tzinfo=LONDON))
    before = interaction_files(empty)
    result = Run(empty)("generate", "--for", "prospects", *args)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == f"Error: {message}\n"
    assert interaction_files(empty) == before


def test_qualifying_accounts_that_nobody_can_be_called_at_is_an_error(store, run_empty):
    add(store, "Acme", contact=None)
    result = run_empty("generate", "--for", "prospects")
    assert result.exit_code == 1
    assert "Error: nothing to plan: 1 prospect, 1 with an open opportunity, 0 with a contact to call." in result.stderr


@pytest.mark.parametrize("args, fragment", [
    (("--type", "fax"), "'fax' is not a configured type"),
    (("--start", "25:00"), "could not read the time '25:00'"),
    (("--duration", "0"), "--duration and --gap are both 0"),
    (("--no-opportunities", "--min-value", "5"), "--min-value and --max-value filter on open opportunities"),
    (("--date", "someday"), "could not read the date 'someday'"),
])
def test_bad_arguments_are_refused(store, run_empty, empty, args, fragment):
    add(store, "Acme")
    result = run_empty("generate", "--for", "prospects", *args)
    assert result.exit_code == 1
    assert fragment in result.stderr
    assert interaction_files(empty) == {}


def test_for_is_required_and_checked(run_empty):
    assert run_empty("generate").exit_code == 2
    assert run_empty("generate", "--for", "leads").exit_code == 2


def test_the_assignee_must_be_a_user_of_the_store(run):
    result = run("generate", "--for", "prospects", "--to", "mallory")
    assert result.exit_code == 1
    assert "'mallory' is not a user of this store" in result.stderr


def test_demo_store_plans_the_prospects_with_open_opportunities(run, demo):
    records, stderr = generated(run)
    # Harbour Foods never contacted; Brightside last 9 Nov; Kestrel 23 Nov; Moorland has no opportunity
    assert [(r["accounts"][0], r["contacts"][0]) for r in records] == [
        ("harbour-foods", "lena-fischer"), ("brightside-school", "sam-okafor"), ("kestrel-housing", "owen-price"),
    ]


def test_a_real_process_plans_and_a_second_one_adds_nothing(store, empty):
    add(store, "Acme")
    binary = Path(sys.executable).with_name("interact")
    env = {**os.environ, "INTERACT_DIR": str(empty)}
    first = subprocess.run([binary, "generate", "--for", "prospects", "--date", TOMORROW, "--format", "ids"],
                           capture_output=True, text=True, env=env, timeout=60)
    assert first.returncode == 0, first.stderr
    assert first.stdout == derived_id("2026-11-26/prospects/acme") + "\n"
    second = subprocess.run([binary, "generate", "--for", "prospects", "--date", TOMORROW],
                            capture_output=True, text=True, env=env, timeout=60)
    assert (second.returncode, second.stdout) == (0, "")
    assert second.stderr.startswith("nothing to add")


