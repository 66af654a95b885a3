"""What a store says of its records' stamps (mixed into :class:`~qualify.store.base.Store`;
kept apart from it for its size).

A stamp says, without reading a prospect's records, that they did not change since a
revision of them was read: the portfolio's kept shares are taken by it
(:mod:`qualify.reports.portfolio_cache`).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Mapping
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from qualify.core.records import ProspectRecords


class Stamps:
    """:meth:`stamps` and :meth:`read_stamped` of a store without stamps; a backend with
    cheap ones (the workspace: a file's inode, size and times) gives its own."""

    read_revision: Callable[[str], tuple[ProspectRecords, str | None]]

    def stamps(self, prospect_ids: Iterable[str]) -> Mapping[str, Hashable]:
        """A stamp of each prospect's stored records, where the store has a cheap one
        (read without the records): the same stamp taken later means the records did
        not change in between, so a revision read after a stamp holds while the stamp
        does. Records changed in the last seconds get none, as does every prospect of a
        store without stamps (a revision there is cheap already)."""
        return {}

    def read_stamped(self, prospect_id: str) -> tuple[ProspectRecords, str | None, Hashable | None]:
        """``read_revision``, with the prospect's stamp (:meth:`stamps`) taken before the
        records were read (None: none). A portfolio with nothing kept reads every
        prospect this way: no separate pass over the stamps before the reading starts
        (the workspace takes it from the file it opens)."""
        stamp = self.stamps([prospect_id]).get(prospect_id)
        records, revision = self.read_revision(prospect_id)
        return records, revision, stamp


__all__ = ["Stamps"]
