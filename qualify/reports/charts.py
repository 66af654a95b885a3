"""Geometry of the inline SVG charts: numbers only, so templates stay simple.

Every chart is drawn in a fixed viewBox and scales to the page width; every
figure is also printed as text beside its bar, so a chart never carries
meaning by colour or length alone (and still reads on paper in grey).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

WIDTH = 480
LABEL_CHARS = 56


def clip(text: str, limit: int = LABEL_CHARS) -> str:
    """SVG text does not wrap: long labels are cut with an ellipsis (the full text is in a
    <title> and in the table beside the chart)."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


@dataclass(frozen=True)
class Bar:
    label: str
    full_label: str
    value_text: str
    css: str
    label_y: float
    bar_y: float
    bar_width: float
    ghost_width: float = 0.0
    """A lighter extension after the bar (e.g. prospects about to commit)."""
    marker_x: float | None = None
    """A vertical tick on the bar's track (e.g. the territory's capacity)."""


@dataclass(frozen=True)
class GridLine:
    x: float
    label: str


@dataclass(frozen=True)
class BarChart:
    width: int
    height: int
    track_x: float
    track_width: float
    bar_height: float
    bars: tuple[Bar, ...]
    grid: tuple[GridLine, ...]
    title: str


def bar_chart(
    items: Iterable[tuple[str, float | None, str, str]],
    *,
    maximum: float = 100.0,
    grid: Sequence[float] = (0, 25, 50, 75, 100),
    title: str = "",
) -> BarChart:
    """Horizontal bars, one per item: (label, value or None, value text, css class).

    The label sits on its own line above its bar, so long section titles fit on a phone.
    """
    track_x, track_w, bar_h, row_h = 4.0, WIDTH - 80.0, 14.0, 44.0
    scale = track_w / maximum if maximum > 0 else 0.0
    bars = []
    for n, (label, value, text, css) in enumerate(items):
        top = 8 + n * row_h
        width = max(0.0, min(maximum, value or 0.0)) * scale
        bars.append(Bar(clip(label), label, text, css, top + 14, top + 22, width))
    lines = tuple(GridLine(track_x + g * scale, f"{g:g}") for g in grid if 0 <= g <= maximum)
    height = int(16 + len(bars) * row_h + 14)
    return BarChart(WIDTH, height, track_x, track_w, bar_h, tuple(bars), lines, title)


def count_chart(
    items: Iterable[tuple[str, int, int, int | None, str]], *, title: str = ""
) -> BarChart:
    """Bars of counts: (label, count, ghost count, marker or None, value text).

    Used for the funnel (no ghost, no marker) and for capacity (committed, about to
    commit as a lighter ghost, the capacity as a marker).
    """
    rows = list(items)
    top_value = max([c + g for _, c, g, _, _ in rows] + [m or 0 for *_, m, _ in rows] + [1])
    track_x, track_w, bar_h, row_h = 4.0, WIDTH - 80.0, 14.0, 44.0
    scale = track_w / top_value
    bars = []
    for n, (label, count, ghost, marker, text) in enumerate(rows):
        top = 8 + n * row_h
        over = marker is not None and count > marker
        bars.append(
            Bar(
                label=clip(label),
                full_label=label,
                value_text=text,
                css="over" if over else "count",
                label_y=top + 14,
                bar_y=top + 22,
                bar_width=count * scale,
                ghost_width=ghost * scale,
                marker_x=None if marker is None else track_x + marker * scale,
            )
        )
    height = int(16 + len(bars) * row_h + 6)
    return BarChart(WIDTH, height, track_x, track_w, bar_h, tuple(bars), (), title)


@dataclass(frozen=True)
class FitMap:
    """The two-way fit as a point: across, how well we serve them; up, how well they fit us."""

    size: int
    pad: int
    inner: int
    mid: float
    x: float | None
    y: float | None
    they: float | None
    we: float | None


def fit_map(they_fit_us: float | None, we_fit_them: float | None, *, mid: float = 50) -> FitMap:
    size, pad = 300, 36
    inner = size - 2 * pad
    x = y = None
    if they_fit_us is not None and we_fit_them is not None:
        x = pad + inner * max(0.0, min(100.0, we_fit_them)) / 100
        y = pad + inner * (1 - max(0.0, min(100.0, they_fit_us)) / 100)
    return FitMap(size, pad, inner, pad + inner * mid / 100, x, y, they_fit_us, we_fit_them)


@dataclass(frozen=True)
class TrendPoint:
    x: float
    y: float | None
    label: str
    value_text: str


@dataclass(frozen=True)
class TrendChart:
    """Review scores over time: a line through the points, band thresholds dashed."""

    width: int
    height: int
    left: float
    right: float
    top: float
    bottom: float
    points: tuple[TrendPoint, ...]
    path: str
    """Polyline points ("x,y x,y") through the scored reviews."""
    thresholds: tuple[tuple[float, str], ...]
    """(y, band label) of each band's lower bound above 0."""
    title: str


def trend_chart(
    items: Sequence[tuple[str, float | None, str]],
    *,
    bands: Sequence[tuple[float, str]] = (),
    title: str = "",
) -> TrendChart:
    """Scores (0–100) in order: (label under the point, score or None, value text)."""
    width, height = WIDTH, 200
    left, right, top, bottom = 36.0, WIDTH - 16.0, 16.0, 160.0
    n = len(items)
    step = (right - left) / (n - 1) if n > 1 else 0.0

    def y_of(score: float) -> float:
        return bottom - (bottom - top) * max(0.0, min(100.0, score)) / 100

    points = tuple(
        TrendPoint(
            left + step * i if n > 1 else (left + right) / 2,
            None if value is None else y_of(value),
            clip(label, 12),
            text,
        )
        for i, (label, value, text) in enumerate(items)
    )
    path = " ".join(f"{p.x:.1f},{p.y:.1f}" for p in points if p.y is not None)
    thresholds = tuple((y_of(m), label) for m, label in bands if 0 < m < 100)
    return TrendChart(width, height, left, right, top, bottom, points, path, thresholds, title)
