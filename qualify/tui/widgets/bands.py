"""Theme styles for score bands: a colour always next to the number and the label.

A band's colour comes from its place in its question set's band order (top, middle,
lowest), the same rule as the reports (:func:`qualify.core.words.band_class`), never
from its words or from fixed thresholds.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from qualify.core.words import band_class

if TYPE_CHECKING:
    from qualify.core.questionnaire.model import QuestionSet

BAND_STYLES: dict[str, str] = {
    "strong": "$text-success",
    "possible": "$text-warning",
    "weak": "$text-error",
    "out": "bold $text-error",
    "none": "$text-muted",
}
"""Band class → a Content style made of theme variables only."""


def band_rank_of(
    band: str | None,
    knocked_out: bool = False,
    *,
    question_set: QuestionSet | None = None,
    ranks: Mapping[str, str] | None = None,
) -> str:
    """strong / possible / weak / out / none, from the set when at hand, else from the
    workspace's label ranks (:func:`qualify.core.words.band_ranks`)."""
    if question_set is not None or knocked_out or band is None:
        return band_class(question_set, band, knocked_out)
    return (ranks or {}).get(band, "possible")


def band_style(
    band: str | None,
    knocked_out: bool = False,
    *,
    question_set: QuestionSet | None = None,
    ranks: Mapping[str, str] | None = None,
) -> str:
    return BAND_STYLES[band_rank_of(band, knocked_out, question_set=question_set, ranks=ranks)]
