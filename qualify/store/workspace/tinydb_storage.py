"""A TinyDB storage over the workspace's atomic writes: how schema-1 workspaces (one
TinyDB file) are read for their migration. In a module of its own so that opening a
workspace of today's layout never imports TinyDB."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from tinydb.storages import Storage

from qualify.store.workspace.storage import Backups, read_json, write_json_atomic


class AtomicJSONStorage(Storage):
    """A TinyDB storage that never leaves a half-written file: ``TinyDB(path, storage=...)``.

    Unlike ``JSONStorage`` it keeps no file handle open (nothing to close before a
    replace, nothing held on Windows) and does not create the file until the first write.
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        durable: bool = True,
        backups: Backups | None = None,
        empty_ok: bool = False,
        create_dirs: bool = False,
        access_mode: str = "r+",
    ) -> None:
        super().__init__()
        self.path = Path(path)
        self.durable = durable
        self.backups = backups
        self.empty_ok = empty_ok
        self.read_only = access_mode == "r"
        if create_dirs:
            self.path.parent.mkdir(parents=True, exist_ok=True)

    def read(self) -> dict[str, dict[str, Any]] | None:
        return read_json(self.path, empty_ok=self.empty_ok)

    def write(self, data: dict[str, dict[str, Any]]) -> None:
        if self.read_only:
            raise OSError(f"{self.path} was opened read-only")
        write_json_atomic(self.path, data, durable=self.durable, backups=self.backups)

    def close(self) -> None:
        """Nothing is held open between operations."""
