"""Validating and linting a question set is linear in its size.

Generates sets of 500 and 1,000 questions (choice, number, multi and text questions,
`when` conditions on earlier answers, knock-outs; calculated questions whose formulas
read earlier and later numbers, dates with constraints, and a repeated section at the
end), validates each in-process, the two
interleaved, and prints the fastest of 9 runs of each (the least disturbed by other work
on a shared machine) and the ratio: doubling the set should cost at most 2.2×. Also
times a set whose every condition misnames a question (each gets its "did you mean"),
at 1,000 and 2,000 questions, and the whole `qualify validate` process on 500
questions against a bare `python -c pass`, as a same-run ratio.

    python bench/bench_validate.py
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

from qualify.core.questionnaire import parse_question_set


def make_set(questions: int) -> str:
    """A set shaped like a real one, scaled: 10 questions a section, conditions look back."""
    sections = []
    n = 0
    for s in range(questions // 10):
        items = []
        for _ in range(10):
            kind = ("choice", "number", "multi", "text", "yes_no")[n % 5]
            q: dict = {"id": f"q{n}", "text": f"Question {n}?", "type": kind, "help": "Listen."}
            if kind in ("choice", "multi"):
                q["options"] = [{"value": f"o{k}", "score": k} for k in range(5)]
            if kind == "number":
                q["score_bands"] = [{"below": 10 * k, "score": k} for k in range(1, 5)] + [
                    {"score": 5}
                ]
                q["knockout"] = {"when": f"q{n} > {n + 100}", "reason": "Too big"}
            if kind == "yes_no":
                q["score"] = {"yes": 3, "no": 0}
            if kind == "text" and s % 2 == 1:  # a calculation over an earlier and a later number
                later = n + 3 if n + 3 < questions - 10 else n - 7
                q = {"id": f"q{n}", "text": f"Cost {n}", "type": "calculated"}
                q["formula"] = f"round(q{n - 2} * 12 + max(q{later}, 1) / 4, 1)"
                q["score_bands"] = [{"below": 100, "score": 1}, {"score": 3}]
            if kind == "yes_no" and s % 4 == 2:  # a date, checked against today
                q = {"id": f"q{n}", "text": f"Since when {n}?", "type": "date", "help": "Day."}
                q["constraint"] = ". <= today()"
            if n >= 5 and n % 3 == 0:
                prev = n - 5 - (n - 5) % 5  # the choice question of the block before
                q["when"] = f"q{prev} in ['o1', 'o2'] or q{prev} == 'o4'"
            items.append(q)
            n += 1
        sections.append({"id": f"s{s}", "title": f"Section {s}", "questions": items})
    sections[-1]["repeat"] = {"min": 1, "max": 3}  # e.g. reference customers
    sections[-1]["questions"] = [
        {k: v for k, v in q.items() if k != "when"} for q in sections[-1]["questions"]
    ]
    doc = {"id": "big", "title": "Big", "version": 1, "sections": sections}
    return yaml.safe_dump(doc, sort_keys=False)


def misnamed(questions: int) -> str:
    """A set whose every condition misnames the question before it (a rename gone
    wrong): each unknown name gets its "did you mean …?" from all the questions."""
    lines = ["id: typos", "version: 1", "title: Typos", "sections:", "  - id: s", "    title: S"]
    lines.append("    questions:")
    for i in range(questions):
        lines += [f"      - id: question_number_{i}", "        type: number", "        text: N"]
        if i:
            lines.append(f'        when: "question_numbr_{i - 1} > 1"')
    return "\n".join(lines) + "\n"


def timed(*texts: str, runs: int = 9, valid: bool = True) -> list[float]:
    """Fastest run of each text, the texts interleaved so both see the same machine."""
    times: list[list[float]] = [[] for _ in texts]
    for _ in range(runs):
        for i, text in enumerate(texts):
            started = time.perf_counter()
            qs, problems = parse_question_set(text, "big.yaml")
            times[i].append(time.perf_counter() - started)
            assert (qs is not None) == valid, problems[:3]
    return [min(t) for t in times]


def process(args: list[str], runs: int = 7) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(args, check=True, capture_output=True)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    small, large = make_set(500), make_set(1000)
    t_small, t_large = timed(small, large)
    print(
        f"validate + lint, in process: 500 questions {t_small * 1000:.0f} ms "
        f"({len(small) // 1024} kB), 1,000 questions {t_large * 1000:.0f} ms"
    )
    print(f"  doubling the set costs {t_large / t_small:.2f}× (target ≤ 2.2×)")
    t_small, t_large = timed(misnamed(1000), misnamed(2000), runs=9, valid=False)
    print(
        f"every condition misnaming a question: 1,000 questions {t_small * 1000:.0f} ms, "
        f"2,000 {t_large * 1000:.0f} ms"
    )
    print(f"  doubling the set costs {t_large / t_small:.2f}× (target ≤ 2.2×)")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "big.yaml"
        path.write_text(small)
        bare = process([sys.executable, "-c", "pass"])
        whole = process([sys.executable, "-m", "qualify", "validate", str(path)])
    print(
        f"`qualify validate` of 500 questions: {whole * 1000:.0f} ms = {whole / bare:.1f}× "
        f"a bare interpreter start ({bare * 1000:.0f} ms) (target ≤ 20×)"
    )


if __name__ == "__main__":
    main()
