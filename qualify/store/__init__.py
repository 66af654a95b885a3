"""Where prospects, interviews and history are kept.

``open_store(data_dir)`` returns the embedded workspace (one TinyDB file per
prospect, see docs/workspace.md). Importing this package stays cheap: TinyDB,
filelock and orjson load only when a store is opened.
"""

from __future__ import annotations

from pathlib import Path

from qualify.store.base import NotFound, Store, StoreCorrupt, StoreError, StoreLocked


def open_store(data_dir: Path) -> Store:
    """Open (creating or migrating if needed) the workspace in ``data_dir``."""
    from qualify.store.workspace import Workspace

    path = Path(data_dir).expanduser()
    path.mkdir(parents=True, exist_ok=True)
    return Workspace(path)


__all__ = ["NotFound", "Store", "StoreCorrupt", "StoreError", "StoreLocked", "open_store"]
