"""What do evidence files cost? Attaching, listing, exporting and importing them.

Run: python bench/bench_evidence.py [--prospects 200] [--files 3] [--size-kb 500] [--dir DIR]

Builds a workspace of prospects, each with a few evidence files of the given size, then
measures in the same run: attaching one file (the bytes fsynced under their SHA-256, then
the record), listing a prospect's files, reading one back (checked against its hash),
a JSON export and import of the whole workspace with the files against the same
export without them, `qualify doctor` with the files (each hashed) against without them,
and the portfolio's evidence tallies against reading the prospects' records it reads
anyway. Targets: attaching a 500 KB file < 50 ms (it is fsynced); listing
< 2 ms; export and import of the files at tens of MB per second (the cost follows the
bytes: base64, hashing each file twice, one fsync per file on import); doctor hashing the
files at hundreds of MB per second; the tallies a small fraction of reading the records.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from qualify.core.evidence import Attachment, digest
from qualify.core.records import Prospect
from qualify.store.transfer import export_workspace, import_workspace
from qualify.store.workspace import Workspace


def _ms(samples: list[float]) -> str:
    return f"median {statistics.median(samples) * 1000:.2f} ms, max {max(samples) * 1000:.2f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--prospects", type=int, default=200)
    parser.add_argument("--files", type=int, default=3)
    parser.add_argument("--size-kb", type=int, default=500)
    parser.add_argument("--dir", type=Path, default=None)
    args = parser.parse_args()
    root = Path(args.dir or tempfile.mkdtemp(prefix="qualify-bench-evidence-"))
    shutil.rmtree(root, ignore_errors=True)
    ws = Workspace(root / "ws")
    size = args.size_kb * 1024
    attach_times: list[float] = []
    ids: list[str] = []
    for n in range(args.prospects):
        p = ws.add_prospect(Prospect(name=f"Prospect {n}", stage="first-date"))
        ids.append(p.id)
        for k in range(args.files):
            content = os.urandom(size)
            record = Attachment(
                prospect_id=p.id,
                stage="first-date",
                question_id=f"q{k}",
                name=f"report {k}.pdf",
                size=size,
                sha256=digest(content),
            )
            start = time.perf_counter()
            ws.add_attachment(record, content)
            attach_times.append(time.perf_counter() - start)
    list_times: list[float] = []
    read_times: list[float] = []
    for pid in ids:
        start = time.perf_counter()
        kept = ws.attachments(pid)
        list_times.append(time.perf_counter() - start)
        start = time.perf_counter()
        ws.attachment_content(pid, kept[0].sha256)
        read_times.append(time.perf_counter() - start)
    total_mb = args.prospects * args.files * size / 1024 / 1024
    print(
        f"{args.prospects} prospects × {args.files} files of {args.size_kb} KB ({total_mb:.0f} MB)"
    )
    print(f"attach one file:        {_ms(attach_times)}")
    print(f"list a prospect's files: {_ms(list_times)}")
    print(f"read one file back:     {_ms(read_times)}")

    plain = Workspace(root / "plain")
    plain.add_prospects_bulk(ws.read_prospect(pid) for pid in ids)
    timings = {}
    for name, store in (("without files", plain), ("with files", ws)):
        start = time.perf_counter()
        export_workspace(store, root / f"{name}.json")
        exported = time.perf_counter() - start
        start = time.perf_counter()
        import_workspace(Workspace(root / f"into {name}"), root / f"{name}.json")
        imported = time.perf_counter() - start
        mb = (root / f"{name}.json").stat().st_size / 1024 / 1024
        timings[name] = (exported, imported)
        print(f"export {name}: {exported:.2f} s ({mb:.1f} MB); import: {imported:.2f} s")
    (e0, i0), (e1, i1) = timings["without files"], timings["with files"]
    print(
        f"files alone: export {total_mb / max(e1 - e0, 1e-9):.0f} MB/s, "
        f"import {total_mb / max(i1 - i0, 1e-9):.0f} MB/s"
    )
    from qualify.store.workspace.doctor import examine

    checked = {}
    for name in ("plain", "ws"):
        start = time.perf_counter()
        examine(root / name)
        checked[name] = time.perf_counter() - start
    files_s = max(checked["ws"] - checked["plain"], 1e-9)
    print(
        f"doctor without files: {checked['plain']:.2f} s; with files: {checked['ws']:.2f} s "
        f"(the files alone: {total_mb / files_s:.0f} MB/s)"
    )
    start = time.perf_counter()
    for pid in ids:
        ws.read_prospect(pid)
    records_s = time.perf_counter() - start
    start = time.perf_counter()
    tallies = ws.evidence_tallies(ids)
    tallies_s = time.perf_counter() - start
    print(
        f"portfolio tallies of {len(tallies)} prospects: {tallies_s * 1000:.1f} ms; reading "
        f"their records: {records_s * 1000:.1f} ms (ratio {tallies_s / records_s:.2f})"
    )
    if args.dir is None:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
