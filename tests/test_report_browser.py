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
        if tag in self.texts:
            self._open = tag
            self.texts[tag].append("")

    def handle_data(self, data):
        if self._open in self.texts:
            self.texts[self._open][-1] += data

    def handle_endtag(self, tag):
        if tag == self._open:
            self._open = None

    def with_class(self, name):
        return [attrs for _, attrs in self.elements if name in (attrs.get("class") or "").split()]


def dump_dom(page, tmp_path, parse=True):
    profile = tmp_path / "chromium-profile"
    result = subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         f"--user-data-dir={profile}", "--dump-dom", page.as_uri()],
        capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    if not parse:
        return result.stdout
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


# --- labels as a person sees them: measured in the rendered page ------------------------------

LONG_NAME = ("The Extraordinarily Long-Named Northern Regional Housing Association and Community Land Trust "
             "Limited, Leeds and Bradford Branch")
WIDE_NAME = "株式会社ロングネーム東京本社営業部第一課アカウント管理チーム" * 2
MEASURE = """<script>
const found = [];
for (const svg of document.querySelectorAll("svg.chart")) {
  const view = svg.viewBox.baseVal;
  for (const text of svg.querySelectorAll("text")) {
    const box = text.getBBox();
    const title = text.querySelector("title");
    found.push({kind: text.getAttribute("class"), room: Number(text.dataset.room || view.width),
                shown: [...text.childNodes].filter(n => n.nodeType === 3).map(n => n.data).join(""),
                full: title ? title.textContent : null, x: box.x, width: box.width,
                length: text.getComputedTextLength(), view: view.width});
  }
}
const out = document.createElement("pre");
out.id = "measured";
out.textContent = JSON.stringify(found);
document.body.appendChild(out);
</script>"""


class Measured(Elements):
    """Elements, and the text of the <pre id="measured"> the measuring script leaves."""

    def __init__(self):
        super().__init__()
        self.texts["pre"] = []
        self.texts["th"] = []


def test_labels_fit_their_space_and_name_people_not_ids(tmp_path, demo):
    store = Store(demo)
    for rid, name in (("long-trust", LONG_NAME), ("wide-kk", WIDE_NAME)):
        (demo / "accounts" / f"{rid}.yaml").write_text(f"id: {rid}\nname: {name}\nkind: prospect\n")
    for account in ("long-trust", "wide-kk", "long-trust"):
        store.save_interaction(Record({
            "id": new_id(), "type": "visit", "when": "2026-11-19T10:00:00+00:00", "assignee": "bob",
            "completed_at": "2026-11-19T10:00:00+00:00", "accounts": [account], "contacts": ["jane-doe"],
        }), new=True)
    page = tmp_path / "report.html"
    Run(demo).ok("report", "--by", "account", "--by", "contact", "--per", "week", "--html", str(page))
    measured = tmp_path / "measured.html"
    measured.write_text(page.read_text().replace("</body>", MEASURE + "</body>"))

    dom = Measured()
    dom.feed(dump_dom(measured, tmp_path, parse=False))
    import json

    texts = json.loads(dom.texts["pre"][-1])
    labels = [t for t in texts if t["kind"] == "label"]
    assert len(labels) == len(dom.with_class("bar")) > 6
    for text in texts:  # nothing runs off the chart, on the left or the right
        assert text["x"] >= 0 and text["x"] + text["width"] <= text["view"] + 0.5, text
    for label in labels:  # no label is wider than its room; a shortened one keeps its full text on hover
        assert label["length"] <= label["room"], label
        assert label["shown"] == label["full"] or (label["shown"].endswith("…")
                                                   and label["full"].startswith(label["shown"][:-1])), label
    shortened = [label["full"] for label in labels if label["shown"] != label["full"]]
    assert f"{LONG_NAME} / Jane Doe" in shortened and LONG_NAME in shortened and WIDE_NAME in shortened

    # names, not ids, in the charts and the tables
    shown = [label["shown"] for label in labels] + [label["full"] for label in labels] + dom.texts["th"]
    for account in store.accounts().values():
        assert not any(account["id"] in text for text in shown), account["id"]
    assert "Acme Ltd / Jane Doe" in [label["full"] for label in labels]
    assert "Acme Ltd" in dom.texts["th"] and "Jane Doe" in dom.texts["th"]
    # weekly columns name their Monday
    assert "2026-W47Mon 16 Nov" in dom.texts["th"]
