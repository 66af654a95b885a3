"""Which questions a question's value depends on, the order to work values out in, and
the cycles that make a calculated value depend on itself.

A question's value depends on the questions its `when` and its section's `when` read
(they decide whether it is shown) and, for a calculated question, on those its formula
reads. Conditions only look back; a formula may read any question of its set, so the
order is the order asked with each calculated question moved after what it reads.
Everything here is linear in the size of the set (iterative, never recursive).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from qualify.core.questionnaire.expressions import (
    ConditionError,
    names,
    parse_condition,
    parse_formula,
)

if TYPE_CHECKING:
    from qualify.core.questionnaire.model import QuestionSet


@dataclass(frozen=True)
class Edge:
    """`source` depends on `target` through its `via` (formula, when or section when)."""

    source: str
    target: str
    via: str
    offset: int


def edges(qs: QuestionSet) -> dict[str, list[Edge]]:
    """Question id → what its value depends on (names of this set only)."""
    out: dict[str, list[Edge]] = {}
    position = {qid: i for i, qid in enumerate(qs.questions)}
    for section in qs.sections:
        section_refs = _refs(section.when, False)
        for q in section.questions:
            here = position[q.id]
            found = [
                Edge(q.id, name, "formula", offset)
                for name, offset in _refs(q.formula if q.type == "calculated" else None, True)
                if name in position
            ]
            # conditions look back (a forward one is refused on its own): earlier ids only
            found.extend(
                Edge(q.id, name, "when", offset)
                for name, offset in _refs(q.when, False)
                if position.get(name, here) < here
            )
            found.extend(
                Edge(q.id, name, "section when", offset)
                for name, offset in section_refs
                if position.get(name, here) < here
            )
            out[q.id] = found
    return out


def _refs(text: str | None, formula: bool) -> list[tuple[str, int]]:
    if not text:
        return []
    try:
        expr = parse_formula(text) if formula else parse_condition(text)
    except ConditionError:
        return []
    return [(n.id, n.offset) for n in names(expr) if n.set_id is None]


def evaluation_order(qs: QuestionSet) -> tuple[str, ...]:
    """Question ids, each after everything it depends on; as asked where nothing forces
    another order. A cycle (refused by the loader) is broken where it is met."""
    graph = edges(qs)
    done: set[str] = set()
    order: list[str] = []
    for start in qs.questions:
        if start in done:
            continue
        stack: list[tuple[str, int]] = [(start, 0)]
        on_path = {start}
        while stack:
            node, i = stack[-1]
            deps = graph.get(node, [])
            if i < len(deps):
                stack[-1] = (node, i + 1)
                nxt = deps[i].target
                if nxt not in done and nxt not in on_path:
                    stack.append((nxt, 0))
                    on_path.add(nxt)
                continue
            stack.pop()
            on_path.discard(node)
            done.add(node)
            order.append(node)
    return tuple(order)


def cycles(qs: QuestionSet) -> list[list[Edge]]:
    """Every cycle found (each once), as the edges that make it up."""
    graph = edges(qs)
    state: dict[str, int] = {}  # 1: on the current path, 2: finished
    found: list[list[Edge]] = []
    for start in qs.questions:
        if state.get(start):
            continue
        state[start] = 1
        stack: list[tuple[str, int]] = [(start, 0)]
        path: list[Edge] = []
        while stack:
            node, i = stack[-1]
            deps = graph.get(node, [])
            if i < len(deps):
                stack[-1] = (node, i + 1)
                edge = deps[i]
                seen = state.get(edge.target)
                if seen == 1:
                    begin = next(
                        (k for k, e in enumerate(path) if e.source == edge.target), len(path)
                    )
                    found.append([*path[begin:], edge])
                elif not seen:
                    state[edge.target] = 1
                    path.append(edge)
                    stack.append((edge.target, 0))
                continue
            stack.pop()
            state[node] = 2
            if path:
                path.pop()
    return found


def qualified_sets(qs: QuestionSet) -> set[str]:
    """Ids of the other sets the set's conditions and formulas name (`first-date.x`)."""
    found: set[str] = set()
    for section in qs.sections:
        texts = [(section.when, False)]
        for q in section.questions:
            texts += [
                (q.when, False),
                (q.required_when, False),
                (q.constraint, False),
                (q.knockout.when if q.knockout else None, False),
                (q.red_flag.when if q.red_flag else None, False),
                (q.red_flag.cleared_when if q.red_flag else None, False),
                (q.formula if q.type == "calculated" else None, True),
            ]
        for text, formula in texts:
            if not text:
                continue
            try:
                expr = parse_formula(text) if formula else parse_condition(text)
            except ConditionError:
                continue
            found.update(n.set_id for n in names(expr) if n.set_id is not None)
    return found
