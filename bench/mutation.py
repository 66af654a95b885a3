"""Mutation testing of the core and the safety code: do the tests fail when the code breaks?

    pip install -e '.[test,mutation]'
    python bench/mutation.py            # run mutmut (resumes where it stopped), then the table
    python bench/mutation.py --report   # only the table of the last run
    python bench/mutation.py --max-children 2 'qualify.core.gates*'   # one module, 2 workers

mutmut changes the code one small way at a time — `<` for `<=`, a
constant, a dropped branch — and runs the tests that reach it; a mutant the tests do not
notice "survives". The modules and the tests are listed in pyproject.toml,
`[tool.mutmut]`. Target: at least 90 % of mutants killed in every module; the mutants
that remain and are equivalent (no test could tell them apart, e.g. a cache size) are
listed with their reason in bench/mutation-equivalent.txt and count as killed.

Runs in a clean copy of the repository, so the working tree is never mutated; the
results stay in that copy (`--workdir`, default a folder in the temp dir) so a second
run only retests what changed.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EQUIVALENT = Path(__file__).with_name("mutation-equivalent.txt")
TARGET = 0.90


def equivalent() -> dict[str, str]:
    """Mutant name → why it is equivalent (lines `name: reason`; # comments)."""
    found: dict[str, str] = {}
    if EQUIVALENT.exists():
        for line in EQUIVALENT.read_text(encoding="utf-8").splitlines():
            line = line.split("#", 1)[0].strip()
            if ":" in line:
                name, reason = line.split(":", 1)
                found[name.strip()] = reason.strip()
    return found


def prepare(workdir: Path) -> None:
    """A copy of the committed tree plus uncommitted changes (mutmut writes beside it)."""
    workdir.mkdir(parents=True, exist_ok=True)
    files = subprocess.run(
        ["git", "ls-files", "-co", "--exclude-standard"],
        cwd=ROOT, capture_output=True, text=True, check=True,
    ).stdout.splitlines()  # fmt: skip
    mutants = workdir / "mutants"
    for name in files:
        src = ROOT / name
        if not src.is_file():
            continue
        targets = [workdir / name]
        if mutants.is_dir() and not name.endswith(".py"):
            # mutmut copies data files (the message catalogs, sets, fixtures) into mutants/
            # once and regenerates only the Python ones: keep its copy current too
            targets.append(mutants / name)
        for dst in targets:
            if not dst.exists() or dst.read_bytes() != src.read_bytes():
                dst.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(src, dst)


def run(workdir: Path, names: list[str], children: int | None) -> None:
    mutmut = shutil.which("mutmut") or str(Path(sys.executable).parent / "mutmut")
    log = workdir / "mutmut-run.log"
    command = [mutmut, "run", *names]
    if children:
        command[2:2] = ["--max-children", str(children)]
    with open(log, "w", encoding="utf-8") as out:
        result = subprocess.run(command, cwd=workdir, stdout=out, stderr=subprocess.STDOUT)
    if result.returncode not in (0, 1):
        tail = log.read_text(encoding="utf-8", errors="replace")[-2000:]
        raise SystemExit(f"mutmut failed (exit {result.returncode}); its log ends:\n{tail}")


def results(workdir: Path) -> list[tuple[str, str]]:
    mutmut = shutil.which("mutmut") or str(Path(sys.executable).parent / "mutmut")
    out = subprocess.run(
        [mutmut, "results", "--all", "true"], cwd=workdir, capture_output=True, text=True
    ).stdout
    pairs = []
    for line in out.splitlines():
        m = re.match(r"\s*(\S+): (\S.*)$", line)
        if m:
            pairs.append((m.group(1), m.group(2).strip()))
    return pairs


def module_of(mutant: str) -> str:
    """`qualify.core.words.x_visible__mutmut_3` → `qualify.core.words`."""
    head = mutant.split("__mutmut_")[0]
    parts = head.split(".")
    while parts and (parts[-1].startswith(("x_", "xǁ")) or parts[-1][:1].isupper()):
        parts.pop()
    return ".".join(parts)


def table(pairs: list[tuple[str, str]]) -> int:
    known = equivalent()
    per: dict[str, Counter[str]] = {}
    survivors: dict[str, list[str]] = {}
    for name, status in pairs:
        module = module_of(name)
        if status == "survived" and name in known:
            status = "equivalent"
        per.setdefault(module, Counter())[status] += 1
        if status in ("survived", "no tests"):
            survivors.setdefault(module, []).append(name)
    print(
        f"{'module':<40} {'mutants':>8} {'killed':>7} {'equiv.':>7} {'survived':>9}"
        f" {'not run':>8} {'score':>7}"
    )
    failing = 0
    for module, counts in sorted(per.items()):
        total = sum(counts.values())
        killed = counts["killed"] + counts["timeout"] + counts["segfault"]
        equiv = counts["equivalent"]
        alive = counts["survived"] + counts["no tests"] + counts["suspicious"]
        pending = total - killed - equiv - alive
        score = (killed + equiv) / total if total else 1.0
        mark = "" if score >= TARGET else "  < target"
        if pending:
            mark += "  (not all run)"
        failing += score < TARGET
        print(
            f"{module:<40} {total:>8} {killed:>7} {equiv:>7} {alive:>9} {pending:>8}"
            f" {score:>6.1%}{mark}"
        )
    print(f"\ntarget: {TARGET:.0%} killed in each module (equivalent mutants listed with a reason"
          f" in {EQUIVALENT.relative_to(ROOT)})")  # fmt: skip
    for module, names in sorted(survivors.items()):
        print(f"\nsurvivors in {module} (`mutmut show NAME` in the workdir shows the change):")
        for name in names[:40]:
            print(f"  {name}")
        if len(names) > 40:
            print(f"  … and {len(names) - 40} more")
    return failing


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--report", action="store_true", help="only print the last results")
    default = Path(tempfile.gettempdir()) / "qualify-mutation"
    parser.add_argument("--workdir", type=Path, default=default)
    parser.add_argument(
        "--max-children", type=int, help="mutants tested at once (default: one per core)"
    )
    parser.add_argument(
        "mutants", nargs="*", help="only these mutants, e.g. 'qualify.core.gates*' (default: all)"
    )
    args = parser.parse_args()
    if not args.report:
        prepare(args.workdir)
        run(args.workdir, args.mutants, args.max_children)
    raise SystemExit(1 if table(results(args.workdir)) else 0)


if __name__ == "__main__":
    main()
