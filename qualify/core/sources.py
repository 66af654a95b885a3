"""Where an answer came from: a word of its own, so a record can name it without
loading the question-set models."""

from __future__ import annotations

from typing import Literal

AnswerSource = Literal["stated", "verified", "estimated", "observed", "our_records"]
"""stated by the prospect; verified with evidence; estimated by the interviewer; observed
(the interviewer's judgement); our_records (taken from our own systems)."""

__all__ = ["AnswerSource"]
