"""export --format ics, read back by an independent parser (vobject, not the icalendar library
that writes it): a VEVENT per interaction with a `when`, a VTODO per outstanding one without."""

import json
import re
import subprocess
import sys

import vobject

from interact.model import Record, new_id
from interact.store import Store

from test_interop import _enrich

CONTROL = "bell\x07 escape\x1b[31m nul\x00 del\x7f csi\x9b"


def calendar_of(data: bytes):
    return vobject.readOne(data.decode("utf-8"))


def test_the_demo_store_as_a_calendar_holds_every_outstanding_interaction(run):
    _enrich(run)
    data = run.ok("export", "--format", "ics").stdout_bytes
    assert data.startswith(b"BEGIN:VCALENDAR\r\n") and data.endswith(b"END:VCALENDAR\r\n")
    assert all(line.endswith(b"\r") for line in data.split(b"\n")[:-1])
    assert all(len(line) <= 76 for line in data.split(b"\n"))  # 75 octets plus the CR
    calendar = calendar_of(data)
    events = {e.uid.value: e for e in calendar.contents.get("vevent", [])}
    todos = {t.uid.value: t for t in calendar.contents.get("vtodo", [])}
    records = json.loads(run.ok("export").stdout)
    with_when = {f"{r['id']}@interact" for r in records if r.get("when")}
    outstanding = [r for r in json.loads(run.ok("export", "--status", "outstanding").stdout)]
    assert len(outstanding) == 7 and len([r for r in outstanding if not r.get("when")]) == 5
    assert set(events) == with_when
    assert set(todos) == {f"{r['id']}@interact" for r in outstanding if not r.get("when")}
    assert {f"{r['id']}@interact" for r in outstanding} <= set(events) | set(todos)

    visit = events["abw0xgqwfy@interact"]
    assert visit.summary.value == "visit with Priya Shah, Northwind Traders"
    assert visit.dtstart.value.isoformat() == "2026-11-03T14:00:00+00:00"
    assert visit.dtend.value.isoformat() == "2026-11-03T15:00:00+00:00"
    assert visit.dtstamp.value.isoformat() == "2026-11-03T14:10:00+00:00"
    assert visit.status.value == "CONFIRMED"
    assert visit.description.value == "Quarterly review on site\nOutcome: Happy; asked about the support plan"
    assert events["rtcbtfr45r@interact"].status.value == "TENTATIVE"  # missed: planned, not done
    meeting = next(e for e in events.values() if e.contents.get("description")
                   and e.description.value.startswith("Line one"))
    assert meeting.description.value == "Line one, with a comma\nLine two; with \"quotes\""
    assert [str(c) for c in meeting.categories.value] == ["q4", "board, minutes"]

    by_id = {r["id"]: r for r in outstanding}
    for uid, task in todos.items():
        record = by_id[uid.split("@")[0]]
        assert task.status.value == "NEEDS-ACTION"
        assert (task.due.value.isoformat() if "due" in task.contents else None) == record.get("due")
    assert todos["qxg33pan4s@interact"].due.value.isoformat() == "2026-11-30"
    assert run.ok("export", "--format", "ics").stdout_bytes == data  # the same store, the same bytes


def test_control_characters_never_reach_the_file(run, demo):
    store = Store(demo)
    planned = Record({"id": new_id(), "type": "call", "contacts": ["jane-doe"], "assignee": "alice",
                      "created_by": "alice", "created_at": "2026-11-20T10:00:00+00:00", "due": "2026-12-01",
                      "instructions": f"Call back\r\n{CONTROL}", "tags": ["t\x1bag"]})
    store.save_interaction(planned, new=True)
    data = run.ok("export", "--format", "ics").stdout_bytes
    text = data.decode("utf-8")
    assert not re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]", text)
    task = next(t for t in calendar_of(data).contents["vtodo"] if t.uid.value == f"{planned['id']}@interact")
    assert task.description.value == "Call back\nbell\\x07 escape\\x1b[31m nul\\x00 del\\x7f csi\\x9b"
    assert [str(c) for c in task.categories.value] == ["t\\x1bag"]
    assert task.due.value.isoformat() == "2026-12-01"
    assert task.dtstamp.value.isoformat() == "2026-11-20T10:00:00+00:00"


def test_icalendar_is_imported_by_the_ics_export_only(demo):
    """`interact log` does not pay for the iCalendar library; the ICS export does."""
    probe = ("import sys; from click.testing import CliRunner; from interact.cli import cli; "
             "result = CliRunner().invoke(cli, sys.argv[1:]); assert result.exit_code == 0, result.output; "
             "print('icalendar' in sys.modules)")
    for args, loaded in ((["log", "call", "jane-doe", "Quick check-in"], "False"),
                         (["list", "--everyone"], "False"),
                         (["export", "--format", "ics"], "True")):
        result = subprocess.run([sys.executable, "-c", probe, "--dir", str(demo), *args],
                                capture_output=True, text=True, check=True)
        assert result.stdout.strip().splitlines()[-1] == loaded, args
