"""Texts in two languages cost little: validating a bilingual set against the same set in
one language, and localizing it to German (what a report or the app does once per set).

Takes the 1,000-question set of bench_validate.py, gives every text a German twin
(`text: {en: …, de: …}`), and prints the fastest of 9 interleaved runs of each, with
same-run ratios: the bilingual set should validate in at most 1.5× the time of the
English one, and localizing it (once per set, per report or app session) should cost
at most a quarter of validating it.

    python bench/bench_languages.py
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).parent))
from bench_validate import make_set

from qualify.core.questionnaire import load_question_set_text, parse_question_set
from qualify.core.questionnaire.texts import localize

TEXT_KEYS = {"title", "description", "text", "help", "label", "reason", "constraint_message"}


def bilingual(text: str) -> str:
    data = yaml.safe_load(text)

    def walk(node: object) -> None:
        if isinstance(node, dict):
            for key, value in list(node.items()):
                if key in TEXT_KEYS and isinstance(value, str):
                    node[key] = {"en": value, "de": f"DE {value}"}
                else:
                    walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(data)
    data["languages"] = ["en", "de"]
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)


def fastest(run, times: int = 9) -> float:
    best = float("inf")
    for _ in range(times):
        start = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    english = make_set(1000)
    german = bilingual(english)
    qs, problems = parse_question_set(german, "bilingual.yaml")
    assert qs is not None and not [p for p in problems if "translation" in p.message]
    one = two = float("inf")
    for _ in range(3):  # interleaved: both see the same machine
        one = min(one, fastest(lambda: parse_question_set(english, "en.yaml"), 3))
        two = min(two, fastest(lambda: parse_question_set(german, "de.yaml"), 3))
    loaded = load_question_set_text(german)
    local = fastest(lambda: localize(loaded, "de", "en"))
    print(f"validate 1,000 questions: English {one * 1000:.0f} ms, English+German "
          f"{two * 1000:.0f} ms = {two / one:.2f}× (target ≤ 1.5×)")  # fmt: skip
    print(f"localize it to German: {local * 1000:.1f} ms = {local / two:.3f}× validating it "
          f"(target ≤ 0.25×)")  # fmt: skip


if __name__ == "__main__":
    main()
