"""What `qualify doctor` finds, in words, whichever store it looks at.

A :class:`Checkup` is a list of :class:`Finding`\\ s, one line each: a *problem* (something
is wrong and still is), *repaired* (it was wrong and `--repair` put it right, moving
the bad file to ``quarantine/``, never deleting it) or a *note* (worth knowing, harmless).
The embedded workspace is examined file by file by
:mod:`qualify.store.workspace.doctor`; any store's question-set snapshots can be checked
against their hashes here, through the :class:`~qualify.store.base.Store` interface
alone (that is all `doctor` checks on the team server, whose transactions keep the rest
consistent).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from pydantic import ValidationError

from qualify.core.phrase import Joined, Num, Phrase
from qualify.core.questionnaire import QuestionSet, content_hash
from qualify.core.words import one_line
from qualify.store.base import NotFound, Store, StoreError

Severity = Literal["problem", "repaired", "note"]


@dataclass(frozen=True)
class Finding:
    """One thing found: how bad, where (a file, relative to the workspace), what."""

    severity: Severity
    where: str
    text: str

    def line(self) -> str:
        return f"{self.severity}: {self.where}: {self.text}"

    def phrase(self) -> Phrase:
        """:meth:`line` as a phrase the command line says in the user's language."""
        severity = {
            "problem": Phrase("problem"),
            "repaired": Phrase("repaired"),
            "note": Phrase("note"),
        }[self.severity]
        return Phrase(
            "{severity}: {where}: {text}", severity=severity, where=self.where, text=self.text
        )


@dataclass
class Checkup:
    """Everything found in one run, and how much was looked at."""

    location: str
    findings: list[Finding] = field(default_factory=list)
    checked: dict[str, int] = field(default_factory=dict)
    """What was looked at and how many: {"prospect files": 200, "snapshots": 6, …}."""

    def add(self, severity: Severity, where: str, text: str) -> None:
        if not (isinstance(text, Phrase) and "\n" not in text):  # a phrase stays one
            text = one_line(text)
        self.findings.append(Finding(severity, where, text))

    def count(self, what: str, n: int = 1) -> None:
        self.checked[what] = self.checked.get(what, 0) + n

    def of(self, severity: Severity) -> list[Finding]:
        return [f for f in self.findings if f.severity == severity]

    @property
    def healthy(self) -> bool:
        """Nothing left wrong (what was repaired counts as right)."""
        return not self.of("problem")

    def summary(self) -> Phrase:
        looked: object = Joined((_looked(what, n) for what, n in self.checked.items()), ", ")
        if not self.checked:
            looked = Phrase("nothing")
        problems, repaired, notes = (len(self.of(s)) for s in ("problem", "repaired", "note"))
        verdict: Phrase
        if self.healthy and not repaired:
            verdict = Phrase("healthy")
        elif self.healthy:
            verdict = Phrase("healthy again: {n} repaired", n=repaired)
        elif repaired:
            verdict = Phrase("{n} problem(s), {m} repaired", n=problems, m=repaired)
        else:
            verdict = Phrase(
                "{n} problem(s) (`qualify doctor --repair` puts right what it can)", n=problems
            )
        said = Phrase(
            "checked {looked} in {location}: {verdict}",
            looked=looked,
            location=self.location,
            verdict=verdict,
        )
        return Phrase("{said}; {n} note(s)", said=said, n=notes) if notes else said


def _looked(what: str, n: int) -> Phrase:
    """`1,200 prospect files`: how many of what `doctor` looked at."""
    count = Num(n, grouped=True)
    words = {
        "prospect files": Phrase("{n} prospect files", n=count),
        "backups": Phrase("{n} backups", n=count),
        "snapshots": Phrase("{n} snapshots", n=count),
        "index shards": Phrase("{n} index shards", n=count),
        "evidence files": Phrase("{n} evidence files", n=count),
        "attachment records": Phrase("{n} attachment records", n=count),
    }
    return words.get(what) or Phrase("{n} {what}", n=count, what=what)


def check_snapshot(digest: str, raw: object) -> str | None:
    """What is wrong with a stored snapshot (None: it is the question set its hash says)."""
    if not isinstance(raw, dict):
        return Phrase("holds {kind}, not a question set", kind=type(raw).__name__)
    try:
        parsed = QuestionSet.model_validate(raw)
    except (ValidationError, ValueError, TypeError) as exc:
        return Phrase(
            "is not a question set this qualify reads ({error})", error=one_line(str(exc), 160)
        )
    actual = content_hash(parsed)
    if actual != digest:
        return Phrase(
            "holds a question set whose content hashes to {actual}, not to its name: "
            "it was changed after it was asked",
            actual=actual,
        )
    return None


def check_store_snapshots(store: Store, checkup: Checkup) -> None:
    """Every snapshot of ``store`` against its hash (any backend)."""
    for digest in sorted(store.snapshot_hashes()):
        checkup.count("snapshots")
        try:
            problem = check_snapshot(digest, store.get_snapshot(digest))
        except NotFound:
            continue  # gone meanwhile
        except StoreError as exc:
            problem = Phrase("cannot be read ({error})", error=str(exc))
        if problem is not None:
            checkup.add("problem", Phrase("snapshot {digest}", digest=digest), problem)


def check_store_evidence(store: Store, checkup: Checkup) -> None:
    """Every evidence file of ``store`` against its hash, and against the records naming
    it (any backend; a server hashes them itself)."""
    for kept in store.stored_evidence():
        checkup.count("evidence files")
        where = Phrase(
            "evidence file {file}… of prospect {id}", file=kept.sha256[:12], id=kept.prospect_id
        )
        names = ", ".join(kept.named_by)
        if kept.state == "changed":
            checkup.add(
                "problem",
                where,
                Phrase(
                    "its content no longer hashes to its name (changed after it was attached); "
                    "named by {names}",
                    names=names or Phrase("no record"),
                ),
            )
        elif kept.state == "missing":
            checkup.add("problem", where, Phrase("is missing; named by {names}", names=names))
        elif kept.state == "unnamed":
            checkup.add("note", where, Phrase("no attachment record names it; kept, never deleted"))


__all__ = [
    "Checkup",
    "Finding",
    "check_snapshot",
    "check_store_evidence",
    "check_store_snapshots",
]
