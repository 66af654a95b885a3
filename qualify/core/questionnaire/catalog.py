"""The active question sets and pipeline as loaded (:class:`Catalog`), and the digest
that names a set's snapshot.

Apart from the loader so that what a command needs to use loaded sets (a catalog from
the cache of checked sets, :mod:`qualify.setcache`) does not import the loader's
checks.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from qualify.core.questionnaire import model as m
from qualify.core.questionnaire.yamlsource import Problem

__all__ = ["Catalog", "canonical", "canonical_hash", "content_hash"]


@dataclass
class Catalog:
    """The active question sets and pipeline, with every problem found in them."""

    directory: Path | None = None
    question_sets: dict[str, m.QuestionSet] = field(default_factory=dict)
    paths: dict[str, Path] = field(default_factory=dict)
    pipeline: m.Pipeline | None = None
    pipeline_path: Path | None = None
    problems: list[Problem] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)
    broken: dict[str, Path] = field(default_factory=dict)
    """Question-set ids (guessed from the file) whose file has errors."""

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    def problems_in(self, path: Path) -> list[Problem]:
        return [p for p in self.problems if Path(p.path) == path]

    def pipeline_error(self) -> Problem | None:
        """Why there is no pipeline: the first error in pipeline.yaml (or where it
        should be), else the first error anywhere; never another file's warning."""
        errors = self.errors
        place = self.pipeline_path or (self.directory / "pipeline.yaml" if self.directory else None)
        own = [p for p in errors if place is not None and Path(p.path) == place]
        return (own or errors or [None])[0]


def content_hash(question_set: m.QuestionSet) -> str:
    """A digest of what is asked and how it scores: equal hashes, equal interviews."""
    return canonical_hash(canonical(question_set))


def canonical_hash(data: Any) -> str:
    """The digest of a snapshot as stored (``canonical(set)``): the first 24 hex digits of
    the SHA-256 of its JSON with sorted keys, no spaces, non-ASCII escaped. The team
    server computes the same over what it is given (migrations/0003) and refuses a
    snapshot whose key is not its digest."""
    import json

    text = json.dumps(data, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:24]


_NEW_DEFAULTS: dict[str, dict[str, Any]] = {
    "question": {
        "formula": None,
        "constraint": None,
        "constraint_message": None,
        "required_when": None,
        "integer": False,
        "red_flag": None,
        "source": None,
        "unit_one": None,
    },
    "section": {"repeat": None, "repeat_score": "mean", "improve": None},
    "set": {"verdict_coverage": None, "languages": None},
    "band": {"without_red_flags": False},
}
"""Keys added after version 1 of the format, at their defaults: left out of a set's
canonical form, so a set that does not use them keeps its content hash (and its
snapshot reads in a qualify that predates them)."""


def canonical(question_set: m.QuestionSet) -> dict[str, Any]:
    """The set as JSON data, without the later keys a set leaves at their defaults."""
    data = question_set.model_dump(mode="json")
    _drop_defaults(data, "set")
    for band in data.get("bands") or ():
        _drop_defaults(band, "band")
    for section in data["sections"]:
        for key, default in _NEW_DEFAULTS["section"].items():
            if section.get(key, default) == default:
                section.pop(key, None)
        for question in section["questions"]:
            for key, default in _NEW_DEFAULTS["question"].items():
                if question.get(key, default) == default:
                    question.pop(key, None)
    return data


def _drop_defaults(data: dict[str, Any], kind: str) -> None:
    for key, default in _NEW_DEFAULTS[kind].items():
        if data.get(key, default) == default:
            data.pop(key, None)
