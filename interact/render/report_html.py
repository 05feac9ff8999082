"""A report as one self-contained HTML page: inline CSS, a table and an SVG bar chart per grouping.

Nothing is fetched when the page opens (no script, font, image or link to anywhere), so it
reads the same from an email attachment as from disk. Every piece of user text is escaped.
"""

from __future__ import annotations

from html import escape

from ..text import printable

import unicodedata

from ..report import TOTAL, Report, chart_bars, chart_caption, monday_text

# Each bar has its label on a line of its own above it, from the left edge: a label has the
# whole width, never runs off the left, and one too long for it is shortened (the full text
# on hover, in <title>).
WIDTH = 700
FONT_SIZE = 13
LABEL_HEIGHT = 18
BAR_HEIGHT = 18
BAR_GAP = 12
COUNT_ROOM = 60
BAR_ROOM = WIDTH - COUNT_ROOM
LABEL_INSET = 4  # a first glyph may reach a pixel or two left of where its text starts
LABEL_ROOM = WIDTH - 2 * LABEL_INSET
# What a character may take at FONT_SIZE, on the wide side of common fonts (a label measured
# so is never wider than its room in the browser): wide CJK characters a full em, others 0.68 em
NARROW_EM, WIDE_EM = 0.68, 1.0

STYLE = """
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; color: #1f2328;
       margin: 2rem auto; max-width: 60rem; padding: 0 1rem; }
h1 { font-size: 1.5rem; margin-bottom: .2rem; }
h2 { font-size: 1.15rem; margin-top: 2.2rem; border-bottom: 1px solid #d0d7de; padding-bottom: .2rem; }
p.about { color: #57606a; margin-top: 0; }
table { border-collapse: collapse; margin: 1rem 0; }
th, td { padding: .25rem .7rem; border-bottom: 1px solid #eaeef2; text-align: left; }
thead th { border-bottom: 2px solid #d0d7de; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
td.zero { color: #8c959f; }
thead th.n { white-space: nowrap; }
th .monday { display: block; font-weight: normal; color: #57606a; font-size: .85em; white-space: nowrap; }
tr.total td, tr.total th, td.total, th.total { font-weight: 600; }
tfoot tr.total td, tfoot tr.total th { border-top: 2px solid #d0d7de; }
div.scroll { overflow-x: auto; }
svg.chart { max-width: 100%; height: auto; }
svg.chart rect.bar { fill: #2f6fb0; }
svg.chart text { font: 13px system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; fill: #1f2328; }
p.caption { color: #57606a; margin-bottom: .3rem; }
p.empty { color: #57606a; font-style: italic; }
"""


def _e(text) -> str:
    """User text as HTML: markup escaped, control characters shown (`\\x1b`), never passed on."""
    return escape(printable(str(text)), quote=True)


def grouping_title(fields) -> str:
    return "By " + " and ".join(fields)


def heading(report: Report) -> str:
    return f"Interactions {grouping_title(report.fields).lower()}, per {report.per}"


def range_text(report: Report) -> str:
    return f"{report.first} to {report.last}"


def page_title(report: Report) -> str:
    return f"{heading(report)}, {range_text(report)}"


def table(report: Report) -> str:
    head = "".join(f"<th>{_e(name)}</th>" for name in report.fields)
    head += "".join(f'<th class="n">{_period_head(period, report.per)}</th>' for period in report.periods)
    head += f'<th class="n total">{TOTAL}</th>'
    body = []
    for row in report.rows:
        cells = "".join(f"<th>{_e(report.label(name, value))}</th>" for name, value in zip(report.fields, row))
        for period in report.periods:
            number = report.count(row, period)
            cells += f'<td class="n{" zero" if not number else ""}">{number}</td>'
        cells += f'<td class="n total">{report.row_total(row)}</td>'
        body.append(f"<tr>{cells}</tr>")
    totals = f'<th colspan="{len(report.fields)}">{TOTAL}</th>'
    totals += "".join(f'<td class="n">{report.period_total(period)}</td>' for period in report.periods)
    totals += f'<td class="n">{report.total}</td>'
    return (f'<div class="scroll"><table>\n<thead><tr>{head}</tr></thead>\n<tbody>\n' + "\n".join(body)
            + f'\n</tbody>\n<tfoot><tr class="total">{totals}</tr></tfoot>\n</table></div>')


def _period_head(period: str, per: str) -> str:
    """A column's heading: a week names its Monday under its number."""
    if per != "week":
        return _e(period)
    return f'{_e(period)}<span class="monday">{_e(monday_text(period))}</span>'


def text_width(text: str) -> float:
    """A generous estimate of the width of `text` in the chart's font, in pixels."""
    return sum(FONT_SIZE * (WIDE_EM if unicodedata.east_asian_width(char) in "WF" else NARROW_EM)
               for char in text)


def fitted(label: str, room: float) -> str:
    """The label, shortened with an ellipsis when it would be wider than `room`."""
    if text_width(label) <= room:
        return label
    while label and text_width(label + "…") > room:
        label = label[:-1]
    return label.rstrip() + "…"


def chart(report: Report) -> str:
    """An SVG bar chart: per bar, its label (full text in <title>), a `rect.bar` carrying
    data-label and data-count, and the count after the bar."""
    bars = chart_bars(report)
    if not bars:
        return '<p class="empty">No interactions in this range.</p>'
    biggest = max(number for _, number in bars) or 1
    step = LABEL_HEIGHT + BAR_HEIGHT + BAR_GAP
    height = len(bars) * step
    caption = chart_caption(report)
    parts = [f'<p class="caption">{_e(caption)}</p>', f'<svg class="chart" role="img" aria-label="{_e(caption)}" '
             f'width="{WIDTH}" height="{height}" viewBox="0 0 {WIDTH} {height}">']
    for index, (label, number) in enumerate(bars):
        top = index * step
        bar_top = top + LABEL_HEIGHT
        length = round(number * BAR_ROOM / biggest, 1)
        parts.append(
            f'<g><text class="label" x="{LABEL_INSET}" y="{top + LABEL_HEIGHT - 5}" data-room="{LABEL_ROOM}">'
            f'<title>{_e(label)}</title>{_e(fitted(label, LABEL_ROOM))}</text>'
            f'<rect class="bar" data-label="{_e(label)}" data-count="{number}" x="0" y="{bar_top}" '
            f'width="{length}" height="{BAR_HEIGHT}"><title>{_e(label)}: {number}</title></rect>'
            f'<text class="count" x="{length + 6}" y="{bar_top + BAR_HEIGHT / 2}" '
            f'dominant-baseline="middle">{number}</text></g>'
        )
    parts.append("</svg>")
    return "\n".join(parts)


def page(reports: list[Report], about: str = "") -> str:
    """The whole page: a title with the range and grouping, then a table and a chart per grouping."""
    main = reports[0]
    sections = [
        f'<section class="grouping" data-fields="{_e(" ".join(report.fields))}">\n'
        f"<h2>{_e(grouping_title(report.fields))}</h2>\n{table(report)}\n{chart(report)}\n</section>"
        for report in reports
    ]
    about_line = f'<p class="about">{_e(about)}</p>\n' if about else ""
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{_e(page_title(main))}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n"
        f"<h1>{_e(heading(main))}</h1>\n<p class=\"about range\">{_e(range_text(main))}</p>\n{about_line}"
        + "\n".join(sections) + "\n</body>\n</html>\n"
    )
