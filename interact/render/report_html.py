"""A report as one self-contained HTML page: inline CSS, a table and an SVG bar chart per grouping.

Nothing is fetched when the page opens (no script, font, image or link to anywhere), so it
reads the same from an email attachment as from disk. Every piece of user text is escaped.
"""

from __future__ import annotations

from html import escape

from ..report import TOTAL, Report, chart_bars, chart_caption

BAR_HEIGHT = 22
BAR_GAP = 8
LABEL_WIDTH = 200
BAR_ROOM = 440
COUNT_ROOM = 60
LABEL_CHARS = 30

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
    return escape(str(text), quote=True)


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
    head += "".join(f'<th class="n">{_e(period)}</th>' for period in report.periods)
    head += f'<th class="n total">{TOTAL}</th>'
    body = []
    for row in report.rows:
        cells = "".join(f"<th>{_e(value)}</th>" for value in row)
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


def _short(label: str) -> str:
    return label if len(label) <= LABEL_CHARS else label[: LABEL_CHARS - 1] + "…"


def chart(report: Report) -> str:
    """An SVG bar chart: one `rect.bar` per bar, carrying data-label and data-count."""
    bars = chart_bars(report)
    if not bars:
        return '<p class="empty">No interactions in this range.</p>'
    biggest = max(number for _, number in bars) or 1
    step = BAR_HEIGHT + BAR_GAP
    width, height = LABEL_WIDTH + BAR_ROOM + COUNT_ROOM, len(bars) * step
    caption = chart_caption(report)
    parts = [f'<p class="caption">{_e(caption)}</p>', f'<svg class="chart" role="img" aria-label="{_e(caption)}" '
             f'width="{width}" height="{height}" viewBox="0 0 {width} {height}">']
    for index, (label, number) in enumerate(bars):
        top = index * step
        middle = top + BAR_HEIGHT / 2
        length = round(number * BAR_ROOM / biggest, 1)
        parts.append(
            f'<g><text class="label" x="{LABEL_WIDTH - 8}" y="{middle}" text-anchor="end" '
            f'dominant-baseline="middle">{_e(_short(label))}</text>'
            f'<rect class="bar" data-label="{_e(label)}" data-count="{number}" x="{LABEL_WIDTH}" y="{top}" '
            f'width="{length}" height="{BAR_HEIGHT}"><title>{_e(label)}: {number}</title></rect>'
            f'<text class="count" x="{LABEL_WIDTH + length + 6}" y="{middle}" '
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
