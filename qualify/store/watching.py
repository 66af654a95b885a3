"""How a store tells its callers that prospects changed: other people's or processes'
changes (and this one's own), for the app to show them live."""

from __future__ import annotations

import hashlib
from abc import ABC, abstractmethod
from dataclasses import dataclass


def change_digest(prospect_id: str) -> str:
    """How a change notification names a prospect: a digest of its id, which a listener
    recognises for the prospects it can see and learns nothing from for the others."""
    return hashlib.sha256(prospect_id.encode()).hexdigest()[:16]


@dataclass(frozen=True)
class Changes:
    """Which prospects changed, as far as a watcher can tell."""

    ids: frozenset[str] = frozenset()
    digests: frozenset[str] = frozenset()
    everything: bool = False
    """Too many to name (a bulk load), or the watcher lost track: reload it all."""

    def __bool__(self) -> bool:
        return self.everything or bool(self.ids or self.digests)

    def concerns(self, prospect_id: str) -> bool:
        return (
            self.everything
            or prospect_id in self.ids
            or (bool(self.digests) and change_digest(prospect_id) in self.digests)
        )

    def __or__(self, other: Changes) -> Changes:
        return Changes(
            self.ids | other.ids, self.digests | other.digests, self.everything or other.everything
        )


class Watch(ABC):
    """Waits for changes made by other people or processes (and this one's own)."""

    @abstractmethod
    def wait(self, timeout: float) -> Changes:
        """The changes seen within ``timeout`` seconds (empty if none); raises StoreError
        when the watch is lost (the caller may open another later)."""

    def close(self) -> None:  # noqa: B027 - optional for watches without resources
        """Stop watching."""


__all__ = ["Changes", "Watch", "change_digest"]
