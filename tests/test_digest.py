"""digest: a user's outstanding work and the completions they asked to be told of."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from interact import actions, people
from interact.digest import digest
from interact.model import shortest_prefixes
from interact.store import Store

LONDON = ZoneInfo("Europe/London")
NOW = datetime(2026, 11, 25, 10, 0, tzinfo=LONDON)  # a Wednesday; the fixed clock of conftest


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=LONDON)


def assign(store, instructions, *, when=None, due=None, duration=None, to="alice", by="alice", notify=False,
           who="jane-doe"):
    draft = actions.Draft(type="call", who=who, when=when, due=due, duration=duration, assignee=to,
                          instructions=instructions, notify=notify)
    return actions.assign(store, NOW - timedelta(days=30), by, draft)[0]


def complete(store, record, when, by="bob", outcome="Done"):
    return actions.complete(store, when, by, record["id"], outcome=outcome)[0]


@pytest.fixture
def store(empty) -> Store:
    store = Store(empty)
    people.add_account(store, "Acme Ltd", kind="customer")
    people.add_contact(store, "Jane Doe", account_refs=["acme-ltd"])
    return store


@pytest.fixture
def busy(store) -> dict:
    """alice's week, bob's work, and completions alice did or did not ask about."""
    made = {
        "missed_when": assign(store, "Call back about the quote", when=at(24, 14)),
        "missed_due": assign(store, "Send the terms", due="2026-11-20"),
        "missed_today": assign(store, "Early call", when=at(25, 9), duration=30),
        "today_late": assign(store, "Afternoon call", when=at(25, 15)),
        "today_due": assign(store, "Chase   the\nbrochure", due="2026-11-25"),
        "week_when": assign(store, "Friday call", when=at(27, 10)),
        "week_due": assign(store, "By Sunday", due="2026-11-29"),
        "later": assign(store, "Next week", due="2026-11-30"),
        "undated": assign(store, "Whenever"),
        "bobs": assign(store, "Bob's call", when=at(25, 16), to="bob"),
    }
    told = assign(store, "Ask about renewal", to="bob", notify=True)
    made["told"] = complete(store, told, at(23, 11, 30), outcome="Renewing for 2 years")
    old = assign(store, "Old news", to="bob", notify=True)
    made["told_long_ago"] = complete(store, old, at(10, 9))
    untold = assign(store, "Not asked", to="bob")
    made["untold"] = complete(store, untold, at(24, 9))
    return made


def test_sections_sort_the_users_outstanding_work(store, busy):
    found = digest(store.interactions(), "alice", NOW, LONDON)
    ids = {record["id"]: name for name, record in busy.items()}
    names = lambda records: [ids[r["id"]] for r in records]  # noqa: E731
    assert names(found.missed) == ["missed_due", "missed_when", "missed_today"]
    assert names(found.today) == ["today_late", "today_due"]
    assert names(found.week) == ["week_when", "week_due"]
    assert names(found.completed) == ["told"]
    assert (found.later, found.undated) == (1, 1)
    assert not found.empty


def test_since_reaches_further_back_for_completions(store, busy):
    found = digest(store.interactions(), "alice", NOW, LONDON, since=at(1, 0))
    assert [r["id"] for r in found.completed] == [busy["told_long_ago"]["id"], busy["told"]["id"]]


def test_since_option(store, busy, run_empty):
    result = run_empty.ok("digest", "--since", "2026-11-01")
    assert "Completed, as you asked to be told (2)\n  Tue 10 Nov 09:00" in result.stdout
    result = run_empty.ok("digest", "--since", "today")
    assert "Completed" not in result.stdout


def test_sunday_ends_the_week(store):
    assign(store, "Sunday", when=at(29, 23))
    assign(store, "Monday", when=at(30, 0, 30))
    found = digest(store.interactions(), "alice", NOW, LONDON)
    assert [r["instructions"] for r in found.week] == ["Sunday"]
    assert found.later == 1


def test_digest_text(store, busy, run_empty):
    prefixes = shortest_prefixes(r["id"] for r in store.interactions())
    ids = {name: prefixes[record["id"]] for name, record in busy.items()}
    result = run_empty.ok("digest")
    assert result.stdout == (
        "Digest for alice, Wednesday 25 November 2026\n"
        "\n"
        "Missed (3)\n"
        f"  due Fri 20 Nov    call  Jane Doe, Acme Ltd: Send the terms  [{ids['missed_due']}]\n"
        f"  Tue 24 Nov 14:00  call  Jane Doe, Acme Ltd: Call back about the quote  [{ids['missed_when']}]\n"
        f"  Wed 25 Nov 09:00  call  Jane Doe, Acme Ltd: Early call  [{ids['missed_today']}]\n"
        "\n"
        "Today (2)\n"
        f"  15:00      call  Jane Doe, Acme Ltd: Afternoon call  [{ids['today_late']}]\n"
        f"  due today  call  Jane Doe, Acme Ltd: Chase the brochure  [{ids['today_due']}]\n"
        "\n"
        "This week (2)\n"
        f"  Fri 27 Nov 10:00  call  Jane Doe, Acme Ltd: Friday call  [{ids['week_when']}]\n"
        f"  due Sun 29 Nov    call  Jane Doe, Acme Ltd: By Sunday  [{ids['week_due']}]\n"
        "\n"
        "Completed, as you asked to be told (1)\n"
        f"  Mon 23 Nov 11:30  call  Jane Doe, Acme Ltd: Renewing for 2 years (by bob)  [{ids['told']}]\n"
        "\n"
        "Also open: 1 with no date, 1 after this week (interact list --to alice).\n"
    )
    assert result.stderr == ""
    assert "\x1b" not in result.stdout


def test_digest_for_another_user(store, busy, run_empty):
    result = run_empty.ok("digest", "--to", "bob")
    assert result.stdout.startswith("Digest for bob, Wednesday 25 November 2026\n\nToday (1)\n  16:00  call")
    assert "Bob's call" in result.stdout
    assert "Completed" not in result.stdout


def test_an_empty_day_says_so(store, run_empty):
    result = run_empty.ok("digest")
    assert result.stdout == "Nothing outstanding for alice on 2026-11-25.\n"


def test_an_empty_day_still_mentions_later_work(store, run_empty):
    assign(store, "Next week", due="2026-12-02")
    result = run_empty.ok("digest")
    assert result.stdout == ("Nothing outstanding for alice on 2026-11-25.\n\n"
                             "Also open: 1 after this week (interact list --to alice).\n")


def test_digest_of_the_demo_store(run):
    result = run.ok("digest", "--to", "carol")
    assert "Missed (1)\n  due Wed 18 Nov  call  Maria Garcia: Check her application is complete  [w6f5]\n" \
        in result.stdout


def test_digest_refuses_an_unknown_user_when_the_store_lists_them(run):
    result = run("digest", "--to", "mallory")
    assert result.exit_code == 1
    assert "'mallory' is not a user of this store" in result.stderr


def test_control_characters_in_records_never_reach_the_terminal(store, run_empty):
    assign(store, "Call\x1b]0;pwned\x07 back\x1b[2J now", when=at(25, 15))
    result = run_empty.ok("digest")
    assert "  15:00  call  Jane Doe, Acme Ltd: Call\\x1b]0;pwned\\x07 back\\x1b[2J now  [" in result.stdout
