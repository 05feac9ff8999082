"""The query library: status at its edges, filters, sorting, search, the day, the month, stale."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from interact import query
from interact.model import Record
from interact.query import Filter, Names, status
from interact.store import Store

LONDON = ZoneInfo("Europe/London")
NOW = datetime(2026, 11, 25, 10, 0, tzinfo=LONDON)  # a Wednesday


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=LONDON)


def rec(rid="aaaaaaaaaa", **fields) -> dict:
    return {"id": rid, "type": "call", "assignee": "alice", **fields}


# --- status ------------------------------------------------------------------------

class TestStatus:
    def test_due_is_open_during_its_last_day_and_missed_after_it(self):
        record = rec(due="2026-11-25")
        assert status(record, at("2026-11-25T23:59:59"), LONDON) == "open"
        assert status(record, at("2026-11-26T00:00:00"), LONDON) == "missed"

    def test_due_day_ends_at_local_midnight_in_summer_time(self):
        record = rec(due="2026-07-01")
        # 23:30 UTC on 1 July is already 00:30 on 2 July in London (BST)
        assert status(record, datetime.fromisoformat("2026-07-01T22:59:00+00:00"), LONDON) == "open"
        assert status(record, datetime.fromisoformat("2026-07-01T23:30:00+00:00"), LONDON) == "missed"

    def test_when_plus_duration_one_minute_either_side(self):
        record = rec(when="2026-11-25T09:00:00+00:00", duration=30)
        assert status(record, at("2026-11-25T09:29"), LONDON) == "open"
        assert status(record, at("2026-11-25T09:30"), LONDON) == "open"  # still in time at the very end
        assert status(record, at("2026-11-25T09:31"), LONDON) == "missed"

    def test_when_without_duration_is_missed_once_it_has_started(self):
        record = rec(when="2026-11-25T10:00:00+00:00")
        assert status(record, at("2026-11-25T09:59"), LONDON) == "open"
        assert status(record, at("2026-11-25T10:01"), LONDON) == "missed"

    def test_due_wins_over_when(self):
        record = rec(when="2026-11-20T10:00:00+00:00", due="2026-11-27")
        assert status(record, NOW, LONDON) == "open"

    def test_no_deadline_is_open_forever(self):
        assert status(rec(), NOW + timedelta(days=3650), LONDON) == "open"

    def test_completed_wins_over_a_passed_deadline(self):
        record = rec(due="2026-11-01", completed_at="2026-11-03T10:00:00+00:00")
        assert status(record, NOW, LONDON) == "completed"

    def test_an_offset_in_the_file_is_respected(self):
        record = rec(when="2026-11-25T10:30:00+01:00")  # 09:30 in London
        assert status(record, at("2026-11-25T09:31"), LONDON) == "missed"


@pytest.mark.parametrize("state, wanted, expected", [
    ("open", "outstanding", True), ("missed", "outstanding", True), ("completed", "outstanding", False),
    ("completed", "all", True), ("open", "missed", False), ("missed", "missed", True),
])
def test_matches_status(state, wanted, expected):
    assert query.matches_status(state, wanted) is expected


# --- sorting -----------------------------------------------------------------------

def test_sorted_by_deadline_then_when_then_id_with_undated_last():
    records = [
        rec("zzzzzzzzzz"),                                                          # no date: last
        rec("yyyyyyyyyy"),                                                          # no date: by id
        rec("cccccccccc", when="2026-11-26T09:00:00+00:00", duration=60),           # deadline 10:00
        rec("bbbbbbbbbb", due="2026-11-25"),                                        # deadline 26th 00:00
        rec("dddddddddd", when="2026-11-25T09:30:00+00:00", due="2026-11-25"),      # same deadline, has when
        rec("aaaaaaaaaa", when="2026-11-24T09:00:00+00:00"),
    ]
    ordered = [r["id"] for r in sorted(records, key=lambda r: query.sort_key(r, LONDON))]
    assert ordered == ["aaaaaaaaaa", "dddddddddd", "bbbbbbbbbb", "cccccccccc", "yyyyyyyyyy", "zzzzzzzzzz"]


# --- deadlines, statuses and sort keys: made once, the same as worked out afresh ---------

NEW_YORK = ZoneInfo("America/New_York")
EDGE_RECORDS = [
    rec("a000000001"),                                                            # neither when nor due
    rec("a000000002", personal=True),
    *(rec(f"b00000000{i}", due=day) for i, day in enumerate(
        ["2026-03-28", "2026-03-29", "2026-10-24", "2026-10-25", "2026-11-01", "2026-11-25"])),
    *(rec(f"c00000000{i}", when=when, **({"duration": minutes} if minutes is not None else {}))
      for i, (when, minutes) in enumerate([
          ("2026-03-29T00:30:00", 90),            # naive: read in the zone; spans London's lost hour
          ("2026-10-25T01:30:00", 30),            # naive and ambiguous in London
          ("2026-10-25T00:59:00+00:00", 1),       # a minute before the clocks go back
          ("2026-03-29T01:00:00+00:00", 0),       # as they go forward
          ("2026-11-25T09:30:00+05:30", None),
          ("2026-11-25T09:00:00.500000+00:00", 60),
          ("2026-11-01T01:30:00-04:00", 45),      # New York's ambiguous hour
      ])),
    rec("d000000001", when="2026-11-20T09:00:00+00:00", due="2026-11-24", duration=30),
    rec("d000000002", due="2026-11-24", completed_at="2026-11-20T10:00:00+00:00"),
]


def afresh_deadline(record: dict, tz) -> datetime | None:
    """SPEC §3 without query's helpers: the start of the day after `due`, else `when` + `duration`."""
    if record.get("due"):
        return datetime.combine(date.fromisoformat(record["due"]) + timedelta(days=1), time(), tzinfo=tz)
    if not record.get("when"):
        return None
    when = datetime.fromisoformat(record["when"])
    return (when if when.tzinfo else when.replace(tzinfo=tz)) + timedelta(minutes=record.get("duration") or 0)


@pytest.mark.parametrize("record", EDGE_RECORDS, ids=lambda r: r["id"])
def test_deadline_status_and_sort_key_as_worked_out_afresh_in_each_zone(record):
    for tz in (LONDON, NEW_YORK, LONDON, NEW_YORK):  # twice each, interleaved: nothing made once leaks across zones
        expected = afresh_deadline(record, tz)
        limit = query.deadline(record, tz)
        assert (limit is None) == (expected is None)
        if expected is None:
            assert query.sort_key(record, tz) == (1, 0.0, 0.0, record["id"])
            assert status(record, NOW, tz) == ("completed" if record.get("completed_at") else "open")
            continue
        assert limit.timestamp() == expected.timestamp()
        when = record.get("when") and datetime.fromisoformat(record["when"])
        when_stamp = (when if when.tzinfo else when.replace(tzinfo=tz)).timestamp() if when else float("inf")
        assert query.sort_key(record, tz) == (0, expected.timestamp(), when_stamp, record["id"])
        for now in (expected - timedelta(minutes=1), expected, expected + timedelta(minutes=1)):
            passed = now >= expected if record.get("due") else now > expected
            wanted = "completed" if record.get("completed_at") else "missed" if passed else "open"
            assert status(record, now, tz) == wanted, (tz, now)


def test_a_due_day_ends_at_the_local_midnight_of_each_zone():
    record = rec(due="2026-10-25")  # London's clocks go back that night, New York's a week later
    assert query.deadline(record, LONDON).isoformat() == "2026-10-26T00:00:00+00:00"
    assert query.deadline(record, NEW_YORK).isoformat() == "2026-10-26T00:00:00-04:00"
    assert query.deadline(rec(due="2026-03-28"), LONDON).isoformat() == "2026-03-29T00:00:00+00:00"
    assert query.deadline(rec(due="2026-03-29"), LONDON).isoformat() == "2026-03-30T00:00:00+01:00"


# --- filters -----------------------------------------------------------------------

DAY_RECORDS = [
    rec("a000000001", when="2026-11-23T00:00:00+00:00"),   # Monday, first minute
    rec("a000000002", when="2026-11-29T23:59:00+00:00"),   # Sunday, last minute
    rec("a000000003", when="2026-11-22T23:59:00+00:00"),   # the Sunday before
    rec("a000000004", due="2026-11-30"),                   # the Monday after, by due
    rec("a000000005"),                                      # no date at all
    rec("a000000006", when="2026-11-30T00:30:00+01:00"),   # 23:30 on the 29th in London
]


def ids(flt: Filter, records=DAY_RECORDS, names=None) -> list[str]:
    return sorted(r["id"] for r in records if flt.matches(r, NOW, LONDON, names))


def test_dates_are_inclusive_local_days_by_when_else_due():
    week = Filter(start=date(2026, 11, 23), end=date(2026, 11, 29))
    assert ids(week) == ["a000000001", "a000000002", "a000000006"]
    assert ids(Filter(start=date(2026, 11, 30))) == ["a000000004"]
    assert ids(Filter(end=date(2026, 11, 22))) == ["a000000003"]


def test_people_type_tag_purpose_and_generated_filters():
    records = [
        rec("b000000001", contacts=["jane"], accounts=["acme"], tags=["vip", "warm"], purpose="Renewal"),
        rec("b000000002", type="visit", contacts=["raj"], tags=["vip"], generated="2026-11-25/prospects"),
        rec("b000000003", assignee="bob", accounts=["acme"]),
    ]
    assert ids(Filter(contact="jane"), records) == ["b000000001"]
    assert ids(Filter(account="acme"), records) == ["b000000001", "b000000003"]
    assert ids(Filter(types=("visit", "email")), records) == ["b000000002"]
    assert ids(Filter(tags=("vip",)), records) == ["b000000001", "b000000002"]
    assert ids(Filter(tags=("vip", "warm")), records) == ["b000000001"]  # every tag given
    assert ids(Filter(purpose="renewal"), records) == ["b000000001"]      # any case
    assert ids(Filter(generated=True), records) == ["b000000002"]
    assert ids(Filter(assignee="bob"), records) == ["b000000003"]
    assert ids(Filter(), records) == ["b000000001", "b000000002", "b000000003"]


def test_status_filter_uses_now():
    records = [rec("c000000001", due="2026-11-24"), rec("c000000002", due="2026-11-25"),
               rec("c000000003", completed_at="2026-11-20T10:00:00+00:00")]
    assert ids(Filter(status="missed"), records) == ["c000000001"]
    assert ids(Filter(status="open"), records) == ["c000000002"]
    assert ids(Filter(status="outstanding"), records) == ["c000000001", "c000000002"]
    assert ids(Filter(status="completed"), records) == ["c000000003"]


def test_filter_records_sorts_then_limits():
    chosen = query.filter_records(DAY_RECORDS, Filter(limit=2), NOW, LONDON)
    assert [r["id"] for r in chosen] == ["a000000003", "a000000001"]


def test_count_by_status():
    records = [rec(due="2026-11-24"), rec(due="2026-11-24"), rec(), rec(completed_at="2026-11-20T10:00:00+00:00")]
    assert query.count_by_status(records, NOW, LONDON) == {"open": 1, "missed": 2, "completed": 1}


# --- search ------------------------------------------------------------------------

SEARCHABLE = [
    rec("d000000001", note="Left a\nvoicemail for Jane", contacts=["jane"], accounts=["acme"]),
    rec("d000000002", instructions="Send voicemail script", outcome="Left it", tags=["Quote"]),
    rec("d000000003", posts=[{"at": "2026-11-20T10:00:00+00:00", "by": "bob", "text": "Renewal signed"}],
        purpose="upsell", next_action="Invoice"),
]
NAMES = Names({"jane": "Jane Doe"}, {"acme": "Acme Ltd"})


def found(*words) -> list[str]:
    return ids(Filter(words=query.search_terms(words)), SEARCHABLE, NAMES)


def test_every_word_must_occur_in_any_case_anywhere():
    assert found("VOICEMAIL") == ["d000000001", "d000000002"]
    assert found("voicemail", "left") == ["d000000001", "d000000002"]
    assert found("voicemail", "jane") == ["d000000001"]          # contact name
    assert found("acme", "ltd") == ["d000000001"]                # account name
    assert found("quote") == ["d000000002"]                       # tag
    assert found("signed", "upsell", "invoice") == ["d000000003"]  # post, purpose, next action
    assert found("call") == ["d000000001", "d000000002", "d000000003"]  # type
    assert found("voicemail", "nowhere") == []


def test_an_id_that_names_nobody_is_searched_as_itself():
    records = [rec("d000000004", contacts=["gone-person", None], accounts=["old-co"])]
    assert ids(Filter(words=("gone-person", "old-co")), records, NAMES) == ["d000000004"]
    assert ids(Filter(words=("none",)), records, NAMES) == []
    assert ids(Filter(words=("jane",)), records, NAMES) == []


def test_a_phrase_must_occur_as_it_is():
    assert found("left voicemail") == []                 # 'Left a voicemail', 'Left it'
    assert found("left a voicemail") == ["d000000001"]   # across a line break in the note
    assert found("voicemail for") == ["d000000001"]
    assert found("left it") == ["d000000002"]
    assert found("it send") == []                        # never across two fields


def test_search_terms_drop_empty_words():
    assert query.search_terms(["  Left   A ", "", "x"]) == ("left a", "x")


# --- the day, the month, history -------------------------------------------------

def test_day_summary_today_missed_and_next():
    records = [
        rec("e000000001", when="2026-11-25T09:00:00+00:00"),                    # today, missed by now
        rec("e000000002", when="2026-11-25T15:00:00+00:00"),                    # today, later
        rec("e000000003", when="2026-11-20T09:00:00+00:00"),                    # missed earlier
        rec("e000000004", when="2026-11-24T09:00:00+00:00", completed_at="2026-11-24T09:00:00+00:00"),
        rec("e000000005", when="2026-11-25T12:00:00+00:00", assignee="bob"),    # someone else's
        rec("e000000006", when="2026-11-27T09:00:00+00:00"),
    ]
    day = query.day_summary(records, date(2026, 11, 25), NOW, LONDON, "alice")
    assert [r["id"] for r in day.today] == ["e000000001", "e000000002"]
    assert [r["id"] for r in day.missed] == ["e000000003"]
    assert day.next["id"] == "e000000002"
    everyone = query.day_summary(records, date(2026, 11, 25), NOW, LONDON, None)
    assert everyone.next["id"] == "e000000005"


def test_month_marks_count_missed_and_open_days():
    records = [
        rec("f000000001", when="2026-11-20T09:00:00+00:00"),
        rec("f000000002", due="2026-11-20"),
        rec("f000000003", due="2026-11-30"),
        rec("f000000004", when="2026-11-21T09:00:00+00:00", completed_at="2026-11-21T09:00:00+00:00"),
        rec("f000000005", due="2026-12-01"),
    ]
    marks = query.month_marks(records, 2026, 11, NOW, LONDON)
    assert marks == {date(2026, 11, 20): {"missed": 2, "open": 0}, date(2026, 11, 30): {"missed": 0, "open": 1}}


def test_history_is_completed_newest_first():
    records = [
        rec("g000000001", contacts=["jane"], completed_at="2026-11-02T09:00:00+00:00"),
        rec("g000000002", contacts=["jane"], completed_at="2026-11-12T09:00:00+00:00"),
        rec("g000000003", contacts=["jane"]),
        rec("g000000004", contacts=["raj"], completed_at="2026-11-13T09:00:00+00:00"),
    ]
    assert [r["id"] for r in query.history(records, NOW, LONDON, contact="jane")] == ["g000000002", "g000000001"]


# --- stale -------------------------------------------------------------------------

@pytest.fixture
def people_store(empty) -> Store:
    store = Store(empty)
    for rid, cadence in (("ann", "30d"), ("ben", "30d"), ("cat", None), ("dan", "7d"), ("eve", "soon")):
        store.save(Record({"id": rid, "name": rid.title(), "cadence": cadence}), "contact")
    store.save(Record({"id": "acme", "name": "Acme", "cadence": "1w"}), "account")
    for rid, contact, day in (("h000000001", "ann", "2026-10-25T10:00:00+00:00"),   # exactly 31 days ago
                              ("h000000002", "ben", "2026-10-27T10:00:00+00:00"),   # 29 days ago
                              ("h000000003", "cat", "2026-01-01T10:00:00+00:00")):
        store.save_interaction(Record(rec(rid, contacts=[contact], when=day, completed_at=day)))
    store.save_interaction(Record(rec("h000000004", contacts=["dan"])))  # planned, not a contact
    return store


def test_stale_by_cadence_never_contacted_first(people_store):
    found = query.stale(people_store, NOW, LONDON)
    assert [(s.kind, s.record["id"]) for s in found] == [("account", "acme"), ("contact", "dan"), ("contact", "ann")]
    assert found[2].overdue == timedelta(days=1)
    assert found[0].last is None and found[0].overdue is None
    assert any("contacts/eve.yaml" in w and "cadence" in w for w in people_store.warnings)


def test_stale_older_than_applies_to_everyone(people_store):
    found = query.stale(people_store, NOW, LONDON, older_than="30d")
    # eve's file is invalid (its cadence does not parse): skipped, with a warning
    assert [s.record["id"] for s in found] == ["acme", "dan", "cat", "ann"]
    assert {s.cadence for s in found} == {"30d"}
