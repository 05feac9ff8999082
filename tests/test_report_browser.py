"""The HTML report as a real browser sees it: headless Chromium's DOM dump, parsed."""

import shutil
import subprocess
from html.parser import HTMLParser

import pytest

from conftest import Run
from interact.model import Record, new_id
from interact.store import Store

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="no chromium on PATH: install Debian's `chromium` package (.ci/run does when apt works)")

TRICKY = 'Tom & Jerry\'s "<b>deal</b>"'


class Elements(HTMLParser):
    """Every element's tag and attributes, and the texts of every <title> and <h1>."""

    def __init__(self):
        super().__init__()
        self.elements: list[tuple[str, dict]] = []
        self.texts: dict[str, list[str]] = {"title": [], "h1": []}
        self._open = None

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))
        self._open = tag
        if tag in self.texts:
            self.texts[tag].append("")

    def handle_data(self, data):
        if self._open in self.texts:
            self.texts[self._open][-1] += data

    def handle_endtag(self, tag):
        self._open = None

    def with_class(self, name):
        return [attrs for _, attrs in self.elements if name in (attrs.get("class") or "").split()]


def dump_dom(page, tmp_path) -> Elements:
    profile = tmp_path / "chromium-profile"
    result = subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         f"--user-data-dir={profile}", "--dump-dom", page.as_uri()],
        capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    parsed = Elements()
    parsed.feed(result.stdout)
    return parsed


def test_report_page_in_a_browser(tmp_path, demo):
    store = Store(demo)
    for outcome in (TRICKY, TRICKY, "<script>alert(1)</script>"):
        store.save_interaction(Record({
            "id": new_id(), "type": "call", "when": "2026-11-20T10:00:00+00:00", "assignee": "carol",
            "completed_at": "2026-11-20T10:00:00+00:00", "outcome": outcome,
        }), new=True)
    page = tmp_path / "report.html"
    Run(demo).ok("report", "--by", "assignee", "--by", "outcome", "--html", str(page))

    dom = dump_dom(page, tmp_path)
    assert dom.texts["title"][0] == "Interactions by assignee and outcome, per month, 2026-11-01 to 2026-11-30"
    assert dom.texts["h1"] == ["Interactions by assignee and outcome, per month"]
    assert not [tag for tag, _ in dom.elements if tag in ("script", "img", "link", "iframe", "b")]
    assert [section["data-fields"] for section in dom.with_class("grouping")] == [
        "assignee outcome", "assignee", "outcome"]
    bars = [(bar["data-label"], int(bar["data-count"])) for bar in dom.with_class("bar")]
    assert bars[:9] == [
        ("alice / Awaiting reply", 1), ("alice / Left voicemail", 1), ("alice / Sending a quote", 1),
        ("alice / (none)", 1), ("bob / Happy; asked about the support plan", 1), ("bob / Wants pricing", 1),
        ("carol / <script>alert(1)</script>", 1), ("carol / Sent the prospectus", 1), (f"carol / {TRICKY}", 2),
    ]
    assert bars[9:12] == [("alice", 4), ("bob", 2), ("carol", 4)]
    assert len(bars) == 21 and (TRICKY, 2) in bars[12:] and sum(count for _, count in bars[12:]) == 10
    # every bar is an SVG rect, as long as its count allows: the largest fills the chart
    widths = {bar["data-label"]: float(bar["width"]) for bar in dom.with_class("bar")[9:12]}
    assert [tag for tag, attrs in dom.elements if "bar" in (attrs.get("class") or "")] == ["rect"] * 21
    assert widths["alice"] == widths["carol"] == 2 * widths["bob"] > 0
