"""Load question sets and the pipeline, reporting every mistake as `file:line:col`.

Area managers edit these files by hand; the loader's job is to catch every mistake
before an interview does, all at once, each at its place in the file.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ValidationError

from qualify.core.collector import collector_paused
from qualify.core.errors import QualifyError
from qualify.core.phrase import Phrase
from qualify.core.questionnaire import model as m
from qualify.core.questionnaire.catalog import Catalog, canonical_hash, content_hash
from qualify.core.questionnaire.condition_checks import Scope, Stages
from qualify.core.questionnaire.condition_words import did_you_mean
from qualify.core.questionnaire.dependencies import qualified_sets
from qualify.core.questionnaire.friendly import describe, friendly
from qualify.core.questionnaire.lint import lint_question_set
from qualify.core.questionnaire.rules import check_expression, check_question_set
from qualify.core.questionnaire.textfile import read_yaml_text
from qualify.core.questionnaire.translations import check_translations
from qualify.core.questionnaire.yamlsource import (
    Document,
    Path_,
    Problem,
    QuestionSetError,
    parse_yaml,
)
from qualify.core.suggest import closest

__all__ = [
    "Catalog",
    "Problem",
    "QuestionSetError",
    "canonical_hash",
    "content_hash",
    "load_catalog",
    "load_pipeline",
    "load_question_set",
    "load_question_set_text",
    "parse_question_set",
    "read_yaml_text",
    "stage_context",
]

PIPELINE_FILE = "pipeline.yaml"


def _validate(doc: Document, model: type[BaseModel]) -> BaseModel | None:
    if not doc.readable:
        return None
    if not isinstance(doc.data, dict):
        got = describe(doc.data)
        if model is m.Pipeline:
            doc.at((), Phrase("expected a pipeline (a mapping of keys), got {got}", got=got))
        else:
            doc.at((), Phrase("expected a question set (a mapping of keys), got {got}", got=got))
        return None
    if model is m.QuestionSet and "stages" in doc.data and "sections" not in doc.data:
        doc.at(
            ("stages",),
            Phrase(
                "this is a pipeline file (it lists stages), not a question set: it belongs "
                "in pipeline.yaml beside the sets"
            ),
            key=True,
        )
        return None
    try:
        return model.model_validate(doc.data, strict=True)
    except ValidationError as exc:
        seen: set[tuple[Path_, str]] = set()
        already = {(p.line, p.col) for p in doc.problems}  # e.g. a refused tag: say it once
        for error in exc.errors(include_url=False):
            loc, message, key = friendly(error, model)
            if (loc, message) in seen or doc.place(loc, key=key) in already:
                continue
            seen.add((loc, message))
            doc.at(loc, message, key=key)
        return None


# ---------------------------------------------------------------- question sets


def parse_question_set(
    text: str,
    path: str = "<text>",
    stages: Stages | None = None,
    anywhere: Stages | None = None,
) -> tuple[m.QuestionSet | None, list[Problem]]:
    """The question set (None when it has errors) and every problem found, sorted by place.

    `stages`: the other sets as the pipeline orders them, to check names of earlier
    stages' questions (`first-date.x`); without it they are only warned about.
    `anywhere`: every other set of the pipeline, for a red flag's `cleared_when`.
    """
    with collector_paused():
        return _parse_question_set(text, path, stages, anywhere)


def _parse_question_set(
    text: str, path: str, stages: Stages | None, anywhere: Stages | None
) -> tuple[m.QuestionSet | None, list[Problem]]:
    doc = parse_yaml(text, path)
    qs = _validate(doc, m.QuestionSet)
    if isinstance(qs, m.QuestionSet):
        check_question_set(qs, doc, stages, anywhere)
        if not doc.problems:
            lint_question_set(qs, doc)
    problems = sorted(set(doc.problems), key=lambda p: (p.line, p.col, p.message))
    if any(p.severity == "error" for p in problems):
        return None, problems
    return qs if isinstance(qs, m.QuestionSet) else None, problems


def load_question_set_text(text: str, path: str = "<text>") -> m.QuestionSet:
    """Raise QuestionSetError with every error; warnings do not stop a valid set."""
    qs, problems = parse_question_set(text, path)
    if qs is None:
        raise QuestionSetError([p for p in problems if p.severity == "error"])
    return qs


def load_question_set(path: str | Path) -> m.QuestionSet:
    path = Path(path)
    return load_question_set_text(read_yaml_text(path), str(path))


# ---------------------------------------------------------------- pipeline & catalog


def _pipeline_doc(text: str, path: str) -> tuple[m.Pipeline | None, Document]:
    doc = parse_yaml(text, path)
    pipeline = _validate(doc, m.Pipeline)
    return (pipeline if isinstance(pipeline, m.Pipeline) else None), doc


def _check_pipeline(
    pipeline: m.Pipeline, doc: Document, sets: dict[str, m.QuestionSet], broken: set[str]
) -> None:
    check_translations(pipeline, doc)
    seen: dict[str, int] = {}
    for i, stage in enumerate(pipeline.stages):
        if stage.id in seen:
            doc.at(("stages", i, "id"), Phrase("duplicate stage {id}", id=repr(stage.id)))
        seen.setdefault(stage.id, i)
        where: Path_ = ("stages", i, "questionnaire")
        if isinstance(stage.questionnaire, dict):
            _check_kinds(stage.questionnaire, where, doc)
            for kind, set_id in stage.questionnaire.items():
                _check_reference(set_id, (*where, kind), doc, sets, broken)
        else:
            _check_reference(stage.questionnaire, where, doc, sets, broken)
        stage_sets = [sets[sid] for sid in stage.set_ids if sid in sets]
        earlier = {
            sid: sets[sid]
            for before in pipeline.stages[:i]
            for sid in before.set_ids
            if sid in sets
        }
        for direction in stage.gate.min_direction:
            if direction not in m.DIRECTION_TITLES:
                close = closest(direction, m.DIRECTION_TITLES)
                doc.at(
                    ("stages", i, "gate", "min_direction", direction),
                    Phrase(
                        "{direction} is not a direction of fit{hint}; use {directions}",
                        direction=repr(direction),
                        hint=did_you_mean(close),
                        directions=" or ".join(m.DIRECTION_TITLES),
                    ),
                    key=True,
                )
        for qs in stage_sets:
            _check_gate(stage, i, qs, doc, Stages(earlier, set(sets) | broken))
    if pipeline.review is not None:
        if pipeline.review.id in seen:
            doc.at(
                ("review", "id"),
                Phrase("the review id {id} is also a stage id", id=repr(pipeline.review.id)),
            )
        _check_reference(
            pipeline.review.questionnaire, ("review", "questionnaire"), doc, sets, broken
        )


def _check_kinds(by_kind: dict[str, str], where: Path_, doc: Document) -> None:
    """Per-kind sets: a `default`, and keys that are kinds of partner."""
    kinds = (m.DEFAULT_KIND, *PARTNER_KINDS)
    for kind in by_kind:
        if kind not in kinds:
            close = closest(kind, kinds)
            doc.at(
                (*where, kind),
                Phrase(
                    "{kind} is not a kind of partner{hint}; use {kinds}",
                    kind=repr(kind),
                    hint=did_you_mean(close),
                    kinds=", ".join(kinds),
                ),
                key=True,
            )
    if m.DEFAULT_KIND not in by_kind:
        doc.at(where, Phrase("per-kind sets need a `default:` set for every other kind of partner"))


PARTNER_KINDS = ("dealer", "distributor", "reseller", "integrator", "other")
"""The kinds of partner a stage may ask its own set of (records.PartnerKind)."""


def _check_gate(stage: m.Stage, i: int, qs: m.QuestionSet, doc: Document, stages: Stages) -> None:
    """The gate's questions, directions, sections and conditions against one set the stage
    asks (every set, for a stage with one per kind of partner)."""
    gate: Path_ = ("stages", i, "gate")
    for vi, qid in enumerate(stage.gate.verified):
        where = (*gate, "verified", vi)
        if qid not in qs.questions:
            close = closest(qid, qs.questions)
            doc.at(
                where,
                Phrase(
                    "{question} is not a question of {set}{hint}",
                    question=repr(qid),
                    set=qs.id,
                    hint=did_you_mean(close),
                ),
            )
        elif not qs.questions[qid].answerable:
            doc.at(
                where,
                Phrase(
                    "{question} is calculated: there is no answer to verify", question=repr(qid)
                ),
            )
        elif qid in qs.repeat_of:
            doc.at(
                where,
                Phrase(
                    "{question} is in the repeated section {section}: mark it `verify: true` "
                    "in {set} so every repeat's answer must be verified",
                    question=repr(qid),
                    section=repr(qs.repeat_of[qid]),
                    set=qs.id,
                ),
            )
    for direction in stage.gate.min_direction:
        if direction not in m.DIRECTION_TITLES:
            continue  # said once per stage, in _check_pipeline
        if not any(s.direction == direction for s in qs.sections):
            doc.at(
                (*gate, "min_direction", direction),
                Phrase(
                    "{set} has no section of the direction {direction}: it would never pass",
                    set=qs.id,
                    direction=repr(direction),
                ),
                key=True,
            )
    ids = [s.id for s in qs.sections]
    for section_id in stage.gate.min_section:
        if section_id not in ids:
            close = closest(section_id, ids)
            doc.at(
                (*gate, "min_section", section_id),
                Phrase(
                    "{section} is not a section of {set}{hint}",
                    section=repr(section_id),
                    set=qs.id,
                    hint=did_you_mean(close),
                ),
                key=True,
            )
    for ri, condition in enumerate(stage.gate.require):
        scope = Scope(
            qs.questions, qs.questions, set_id=qs.id, repeat_of=qs.repeat_of, stages=stages
        )
        check_expression(condition.when, (*gate, "require", ri, "when"), scope, doc)


def _check_reference(
    set_id: str, loc: Path_, doc: Document, sets: dict[str, m.QuestionSet], broken: set[str]
) -> None:
    if set_id in sets or set_id in broken:
        return  # a broken set already has its own errors, in its own file
    close = closest(set_id, sets)
    known = ", ".join(sorted(sets)) or Phrase("none")
    doc.at(
        loc,
        Phrase(
            "unknown question set {set}{hint}; known: {known}",
            set=repr(set_id),
            hint=did_you_mean(close),
            known=known,
        ),
    )


def load_pipeline(path: str | Path, question_sets: dict[str, m.QuestionSet]) -> m.Pipeline:
    """The pipeline checked against `question_sets`; QuestionSetError on any error."""
    path = Path(path)
    pipeline, doc = _pipeline_doc(read_yaml_text(path), str(path))
    if pipeline is not None:
        _check_pipeline(pipeline, doc, question_sets, set())
    errors = [p for p in doc.problems if p.severity == "error"]
    if errors or pipeline is None:
        raise QuestionSetError(sorted(errors))
    return pipeline


def load_catalog(directory: str | Path) -> Catalog:
    """Every `*.yaml` in `directory`: question sets plus `pipeline.yaml`. Never raises for
    mistakes inside files: they are in `problems`, and broken sets are left out."""
    directory = Path(directory)
    if not directory.is_dir():
        raise QualifyError(f"{directory}: question-set folder not found")
    catalog = Catalog(directory=directory)
    files = sorted(p for p in directory.iterdir() if p.suffix in (".yaml", ".yml") and p.is_file())
    pipeline_path = next((p for p in files if p.stem == "pipeline"), None)
    id_node: dict[str, Path] = {}
    texts: dict[str, str] = {}
    for path in files:
        if path == pipeline_path:
            continue
        catalog.files.append(path)
        try:
            text = read_yaml_text(path)
        except QuestionSetError as exc:
            catalog.problems.extend(exc.problems)
            catalog.broken[path.stem] = path
            continue
        qs, problems = parse_question_set(text, str(path))
        catalog.problems.extend(problems)
        if qs is None:
            catalog.broken[path.stem] = path
            continue
        if qs.id in id_node:
            catalog.problems.append(
                Problem(
                    str(path),
                    *_id_place(text),
                    Phrase(
                        "question set id {id} is already used by {file}",
                        id=repr(qs.id),
                        file=id_node[qs.id].name,
                    ),
                )
            )
            continue
        id_node[qs.id] = path
        texts[qs.id] = text
        catalog.question_sets[qs.id] = qs
        catalog.paths[qs.id] = path
    if pipeline_path is None:
        catalog.problems.append(
            Problem(
                str(directory / PIPELINE_FILE),
                1,
                1,
                Phrase(
                    "no pipeline.yaml: without it there are no stages to move prospects through"
                ),
                "warning" if catalog.question_sets else "error",
            )
        )
    else:
        catalog.files.append(pipeline_path)
        catalog.pipeline_path = pipeline_path
        try:
            text = read_yaml_text(pipeline_path)
        except QuestionSetError as exc:
            catalog.problems.extend(exc.problems)
        else:
            pipeline, doc = _pipeline_doc(text, str(pipeline_path))
            if pipeline is not None:
                _check_pipeline(pipeline, doc, catalog.question_sets, set(catalog.broken))
            catalog.problems.extend(sorted(doc.problems))
            if pipeline is not None and not any(p.severity == "error" for p in doc.problems):
                catalog.pipeline = pipeline
    if catalog.pipeline is not None or pipeline_path is not None:
        _check_stage_references(catalog, texts)
    if not files:
        catalog.problems.append(
            Problem(str(directory), 1, 1, Phrase("no question sets (*.yaml) in this folder"))
        )
    return catalog


def stage_order(pipeline: m.Pipeline) -> list[tuple[str, ...]]:
    """Set ids stage by stage, in the order the pipeline asks them (the review's last); a
    stage with a set per kind of partner has several."""
    order = [stage.set_ids for stage in pipeline.stages]
    if pipeline.review is not None:
        order.append(pipeline.review.set_ids)
    return order


def earlier_set_ids(pipeline: m.Pipeline, set_id: str) -> list[str] | None:
    """Ids of the sets asked at stages before the first one asking `set_id` (every
    stage's set for the review's); None when the pipeline does not ask it."""
    order = stage_order(pipeline)
    first = next((n for n, ids in enumerate(order) if set_id in ids), None)
    if first is None:
        return None
    if pipeline.review is not None and first == len(order) - 1:
        return [s for ids in order[:-1] for s in ids if s != set_id]
    return list(dict.fromkeys(s for ids in order[:first] for s in ids if s != set_id))


def pipeline_set_ids(pipeline: m.Pipeline) -> list[str]:
    """Every set the pipeline asks, in order."""
    return list(dict.fromkeys(s for ids in stage_order(pipeline) for s in ids))


def stage_context(catalog: Catalog, set_id: str) -> tuple[Stages, Stages] | None:
    """What `first-date.x` names in the set `set_id` may read, as its folder's pipeline
    orders the sets: the earlier stages' sets, and (for a red flag's `cleared_when`)
    every other set the pipeline asks. None without a pipeline."""
    if catalog.pipeline is None:
        return None
    sets = dict(catalog.question_sets)
    known = set(sets) | set(catalog.broken)
    asked = pipeline_set_ids(catalog.pipeline)
    before = earlier_set_ids(catalog.pipeline, set_id)
    stages = Stages(
        earlier={i: sets[i] for i in before or () if i in sets},
        known=known,
        placed=before is not None,
        broken=[i for i in before or () if i in catalog.broken],
    )
    anywhere = Stages(
        earlier={i: sets[i] for i in asked if i in sets and i != set_id},
        known=known,
        placed=before is not None,
        broken=[i for i in asked if i in catalog.broken and i != set_id],
    )
    return stages, anywhere


_UNPLACED = Stages(placed=False, unchecked=True)
"""Where a set stands when the folder's pipeline.yaml has errors: nowhere known."""


def _check_stage_references(catalog: Catalog, texts: dict[str, str]) -> None:
    """Check names such as `first-date.x` in each set against the sets asked before it
    (when pipeline.yaml has errors, they are said to wait for it, not for a folder)."""
    for set_id, qs in dict(catalog.question_sets).items():
        if not qualified_sets(qs):
            continue
        context = stage_context(catalog, set_id)
        stages, anywhere = context if context is not None else (_UNPLACED, _UNPLACED)
        path = catalog.paths[set_id]
        checked, problems = parse_question_set(texts[set_id], str(path), stages, anywhere)
        catalog.problems = [p for p in catalog.problems if Path(p.path) != path] + problems
        if checked is None:
            del catalog.question_sets[set_id]
            catalog.broken[set_id] = path
        else:
            catalog.question_sets[set_id] = checked


def _id_place(text: str) -> tuple[int, int]:
    for n, line in enumerate(text.splitlines(), start=1):
        if line.startswith("id:"):
            return n, 5
    return 1, 1
