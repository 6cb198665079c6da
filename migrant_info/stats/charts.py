"""Charts as inline SVG, drawn on the server: nothing fetched from elsewhere, no script needed.

Every chart carries a title and a description for screen readers; the dashboard also shows the
same numbers as a table beside each chart.
"""

from __future__ import annotations

from markupsafe import Markup, escape

PALETTE = ("#0b4f9c", "#00703c", "#b54d00", "#6f2da8", "#a3001b", "#2b8a8a", "#555555")


def _fmt(value: float) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def bar_chart(chart_id: str, title: str, items: list[tuple[str, float]], unit: str = "",
              width: int = 640) -> Markup:  # fmt: skip
    """Horizontal bars, one per (label, value), longest scale at the largest value."""
    bar, gap, label_w = 20, 6, 220
    height = max(1, len(items)) * (bar + gap) + gap
    top = max((v for _, v in items), default=0) or 1
    span = width - label_w - 70
    parts = [
        f'<svg id="{escape(chart_id)}" class="chart" xmlns="http://www.w3.org/2000/svg" '
        f'viewBox="0 0 {width} {height}" width="100%" role="img" '
        f'aria-labelledby="{escape(chart_id)}-t">',
        f'<title id="{escape(chart_id)}-t">{escape(title)}</title>',
    ]
    if not items:
        parts.append(f'<text x="8" y="{bar}" fill="#555">No data yet</text>')
    for i, (label, value) in enumerate(items):
        y = gap + i * (bar + gap)
        w = max(1.0, span * value / top) if value else 0
        colour = PALETTE[0]
        parts.append(
            f'<text x="{label_w - 6}" y="{y + bar * 0.75}" text-anchor="end" '
            f'font-size="13" fill="#222">{escape(label[:34])}</text>'
            f'<rect class="bar" x="{label_w}" y="{y}" width="{w:.1f}" height="{bar}" '
            f'fill="{colour}"><title>{escape(label)}: {_fmt(value)}{escape(unit)}</title></rect>'
            f'<text x="{label_w + w + 4:.1f}" y="{y + bar * 0.75}" font-size="13" '
            f'fill="#222">{_fmt(value)}{escape(unit)}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - every text above went through escape()


def line_chart(chart_id: str, title: str, days: list[str], series: dict[str, list[int]],
               width: int = 640, height: int = 240) -> Markup:  # fmt: skip
    """One line per series over the days, with a legend and the y-axis maximum."""
    left, right, top_pad, bottom = 44, 10, 10, 24
    legend_h = 18 * ((len(series) + 2) // 3)
    plot_w, plot_h = width - left - right, height - top_pad - bottom
    top = max((max(v) for v in series.values() if v), default=0) or 1
    step = plot_w / max(1, len(days) - 1)
    total_h = height + legend_h
    parts = [
        f'<svg id="{escape(chart_id)}" class="chart" xmlns="http://www.w3.org/2000/svg" '
        f'viewBox="0 0 {width} {total_h}" width="100%" role="img" '
        f'aria-labelledby="{escape(chart_id)}-t">',
        f'<title id="{escape(chart_id)}-t">{escape(title)}</title>',
        f'<line x1="{left}" y1="{top_pad + plot_h}" x2="{width - right}" y2="{top_pad + plot_h}" '
        'stroke="#888"/>',
        f'<line x1="{left}" y1="{top_pad}" x2="{left}" y2="{top_pad + plot_h}" stroke="#888"/>',
        f'<text x="{left - 4}" y="{top_pad + 10}" text-anchor="end" font-size="12" '
        f'fill="#222">{top}</text>',
        f'<text x="{left - 4}" y="{top_pad + plot_h}" text-anchor="end" font-size="12" '
        'fill="#222">0</text>',
    ]
    if days:
        parts.append(
            f'<text x="{left}" y="{height - 6}" font-size="12" fill="#222">{escape(days[0])}</text>'
            f'<text x="{width - right}" y="{height - 6}" text-anchor="end" font-size="12" '
            f'fill="#222">{escape(days[-1])}</text>'
        )
    for i, (name, values) in enumerate(series.items()):
        colour = PALETTE[i % len(PALETTE)]
        points = " ".join(
            f"{left + j * step:.1f},{top_pad + plot_h - plot_h * v / top:.1f}"
            for j, v in enumerate(values)
        )
        parts.append(
            f'<polyline class="series" points="{points}" fill="none" stroke="{colour}" '
            f'stroke-width="2"><title>{escape(name)}</title></polyline>'
        )
        lx, ly = 8 + (i % 3) * (width // 3), height + 14 + 18 * (i // 3)
        parts.append(
            f'<rect x="{lx}" y="{ly - 10}" width="12" height="12" fill="{colour}"/>'
            f'<text x="{lx + 16}" y="{ly}" font-size="13" fill="#222">{escape(name)}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - every text above went through escape()
