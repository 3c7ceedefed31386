"""The PNG chart of on time / late / overdue per unit, for leaders reading on a phone.

Drawn with matplotlib's Agg backend and no pyplot (no global figure state in a bot), in
DejaVu Sans, which ships with matplotlib and has every Vietnamese glyph.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import TYPE_CHECKING

from reports.stats import Counts, Report, format_rate
from texts import messages

if TYPE_CHECKING:
    from matplotlib.figure import Figure

FONT = "DejaVu Sans"
MAX_BARS = 30
DPI = 110
WIDTH_INCHES = 10.0
COLORS = {"on_time": "#2e7d32", "late": "#f9a825", "overdue": "#c62828"}


@dataclass(frozen=True)
class Bar:
    label: str
    counts: Counts


def bars(report: Report) -> tuple[list[Bar], int]:
    """The units compared (best rate first) and how many there were before the cut."""
    group = report.ranked_group()
    ranked = sorted(group, key=lambda line: (line.rank is None, line.rank or 0, line.code))
    result = [Bar(line.name, line.total) for line in ranked]
    roots = report.roots
    if len(roots) == 1 and roots[0].children and roots[0].own.fallen_due:
        # The top unit's own tasks, so that the bars add up to the whole report.
        result.append(Bar(messages.CHART_DIRECT.format(name=roots[0].name), roots[0].own))
    return result[:MAX_BARS], len(result)


def build_figure(report: Report, scope_label: str = "") -> Figure:
    # matplotlib (with numpy) costs ~0.3 s and 30 MB: loaded on the first chart, not at start.
    from matplotlib import rc_context
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    shown, total = bars(report)
    height = max(3.6, 2.0 + 0.42 * len(shown))
    with rc_context({"font.family": FONT, "font.size": 10, "axes.unicode_minus": False}):
        figure = Figure(figsize=(WIDTH_INCHES, height), dpi=DPI, layout="constrained")
        figure.suptitle(messages.CHART_TITLE.format(label=report.period.label), x=0.01,
                        ha="left", fontsize=13, fontweight="bold")
        axes = figure.add_subplot()
        axes.set_title(_subtitle(report, scope_label, len(shown), total), loc="left",
                       fontsize=9.5, color="#555555")
        if not shown or not any(bar.counts.fallen_due for bar in shown):
            axes.text(0.5, 0.5, messages.CHART_NOTHING_DUE, ha="center", va="center",
                      fontsize=14, transform=axes.transAxes)
            axes.set_axis_off()
            return figure
        labels = [_wrap(bar.label) for bar in shown]
        positions = list(range(len(shown)))
        series = [
            ("on_time", messages.CHART_ON_TIME, [bar.counts.done_on_time for bar in shown]),
            ("late", messages.CHART_LATE, [bar.counts.done_late for bar in shown]),
            ("overdue", messages.CHART_OVERDUE, [bar.counts.overdue for bar in shown]),
        ]
        left = [0] * len(shown)
        widest = max(bar.counts.fallen_due for bar in shown)
        for key, name, values in series:
            drawn = axes.barh(positions, values, left=left, color=COLORS[key], label=name,
                              height=0.62)
            for rect, value in zip(drawn, values, strict=True):
                # Numbers inside a segment only when they fit.
                if value and value >= widest * 0.06:
                    axes.text(rect.get_x() + rect.get_width() / 2,
                              rect.get_y() + rect.get_height() / 2, str(value), ha="center",
                              va="center", color="white", fontsize=9, fontweight="bold")
            left = [a + b for a, b in zip(left, values, strict=True)]
        for position, bar in zip(positions, shown, strict=True):
            axes.text(bar.counts.fallen_due + widest * 0.01, position,
                      format_rate(bar.counts.on_time_rate, empty=""), va="center", fontsize=9)
        axes.set_yticks(positions, labels)
        axes.invert_yaxis()  # best first, at the top
        axes.set_xlim(0, widest * 1.12 + 0.5)
        axes.set_xlabel(messages.CHART_AXIS)
        axes.xaxis.set_major_locator(MaxNLocator(integer=True))
        axes.spines[["top", "right"]].set_visible(False)
        axes.grid(axis="x", alpha=0.3)
        axes.set_axisbelow(True)
        figure.legend(loc="outside lower center", ncols=3, frameon=False)
    return figure


def render_png(figure: Figure) -> bytes:
    # matplotlib (with numpy) loads on the first chart, not at start (heavy library).
    from matplotlib import rc_context
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    canvas = FigureCanvasAgg(figure)
    buffer = io.BytesIO()
    with rc_context({"font.family": FONT}):
        canvas.print_png(buffer)
    return buffer.getvalue()


def report_chart(report: Report, scope_label: str = "") -> bytes:
    return render_png(build_figure(report, scope_label))


def _subtitle(report: Report, scope_label: str, shown: int, total: int) -> str:
    day = messages.fmt_date(report.as_of)
    state = (messages.CHART_STATE_CLOSED if report.closed else messages.CHART_STATE_LIVE).format(
        day=day)
    parts = [part for part in (scope_label, state) if part]
    if total > shown:
        parts.append(messages.CHART_SUBSET.format(shown=shown, total=total))
    return " · ".join(parts)


def _wrap(label: str, width: int = 34) -> str:
    """Long unit names on two lines rather than a squeezed chart."""
    if len(label) <= width:
        return label
    cut = label.rfind(" ", 0, width)
    if cut <= 0:
        return label
    rest = label[cut + 1 :]
    if len(rest) > width:
        rest = rest[: width - 1] + "…"
    return f"{label[:cut]}\n{rest}"
