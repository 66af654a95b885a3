"""The embedded workspace: one small TinyDB file per prospect, a sharded index, snapshots.

Layout (schema 2; docs/workspace.md explains the why)::

    workspace.json                  {"schema": 2, ...}
    workspace.lock                  OS lock held around every read-modify-write
    prospects/<xx>/<id>.json        TinyDB file: tables prospect, summary, interviews, history
    index/prospects/<xx>.json       {prospect id: ProspectSummary}  (what the list shows)
    index/interviews/<xx>.json      {interview id: prospect id}     (find an interview's file)
    snapshots/<hash>.json           question sets as they were asked (write once)
    backups/                        copies taken before a schema migration

``<xx>`` is ``crc32(id) & 0xff`` in hex: 256 shards whatever the id scheme (demo ids
share their first characters). Recording an answer rewrites one prospect file and
one index shard, so its cost does not grow with the number of prospects.

Modules: :mod:`.store` (the :class:`Workspace`), :mod:`.files` (the prospect file),
:mod:`.index` (the shards), :mod:`.recent` (the newest rows without pydantic: the app's
first page), :mod:`.migration` (schema 1), :mod:`.storage` (crash-safe
JSON files and backups).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from qualify.store.workspace.recent import SCHEMA, shard_of

if TYPE_CHECKING:
    from qualify.store.workspace.store import Workspace


def __getattr__(name: str) -> Any:
    """The store itself, imported on first use (PEP 562): :mod:`.recent` imports without
    it (and without pydantic)."""
    if name != "Workspace":
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from qualify.store.workspace.store import Workspace

    globals()[name] = Workspace
    return Workspace


__all__ = ["SCHEMA", "Workspace", "shard_of"]
