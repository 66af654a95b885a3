"""Theme styles for score bands: a colour always next to the number and the label."""

from __future__ import annotations

from qualify.tui.format import band_class

BAND_STYLES: dict[str, str] = {
    "-strong": "$text-success",
    "-possible": "$text-warning",
    "-weak": "$text-error",
    "-out": "bold $text-error",
    "-none": "$text-muted",
}
"""Band class → a Content style made of theme variables only."""


def band_style(band: str | None, knocked_out: bool = False, score: float | None = None) -> str:
    return BAND_STYLES[band_class(band, knocked_out, score)]
