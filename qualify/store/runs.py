"""Bulk writes go in runs: a run's records written together, the next run after."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import islice
from typing import TypeVar

T = TypeVar("T")


def batched(items: Iterable[T], size: int) -> Iterator[list[T]]:
    """`items` in lists of `size` (the last may be shorter); itertools has it from 3.12."""
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


__all__ = ["batched"]
