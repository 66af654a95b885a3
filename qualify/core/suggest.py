"""The name a typo most likely meant: the "did you mean …?" of a message.

``difflib.get_close_matches`` weighs the word against every name, a SequenceMatcher
each: nothing for a handful of names, but a 1,000-question set whose conditions misnamed
1,000 of them took 33 s to check (4,000: minutes), every unknown name compared with
every question. Among many names only those within about two edits of the word are
weighed (found through their one-character deletions, indexed once per list of names),
so each unknown name costs about its own length; among few, every name is, as before.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

FEW = 64
"""Up to this many names, each is weighed (difflib's own way)."""
LONGEST = 64
"""A longer word or name is matched only whole among many: its deletions would cost its
length squared (an id is far shorter)."""


def closest(word: str, names: Iterable[str]) -> list[str]:
    """The name most like ``word`` (``[name]``, as ``get_close_matches(word, names, n=1)``
    gives it), or ``[]`` when none is close; among more than :data:`FEW` names, only one
    at most two edits away (a letter added, dropped, changed or two swapped) is, and one
    edit away when there is such a name (weighing every name two edits away cost more the
    more names shared a stem: 2,000 `question_number_N` took 2.3x the time of 1,000).
    ``names`` is not changed while it is asked about (the same object is not indexed
    again)."""
    import difflib  # (only when a name is unknown)

    held = _last.get("names")  # (read once: another thread may replace it)
    index = held[1] if held is not None and held[0] is names else None
    if index is None:
        pool = tuple(names)
        if len(pool) <= FEW:
            return difflib.get_close_matches(word, pool, n=1)
        index = _deletions(pool)
        _last["names"] = (names, index)  # the same names asked again: no pass over them
    near: set[str] = set()
    one_edit: set[str] = set()
    for at, variant in _variants(word):
        for name, left_out in index.get(variant, ()):
            near.add(name)
            if _one_edit(word, at, name, left_out):
                one_edit.add(name)
    weighed = one_edit or near
    return difflib.get_close_matches(word, sorted(weighed), n=1) if weighed else []


def _one_edit(word: str, at: int, name: str, left_out: int) -> bool:
    """Whether the word without its character `at` (-1: none) and the name without its
    character `left_out`, which are equal, make the two one edit apart: a character
    added or dropped, one changed in place, or two neighbours swapped."""
    if at < 0 or left_out < 0 or at == left_out:
        return True
    i = min(at, left_out)
    return abs(at - left_out) == 1 and word[i] == name[i + 1] and word[i + 1] == name[i]


Index = dict[str, tuple[tuple[str, int], ...]]
"""A variant (:func:`_variants`) → each name it comes from, and the place of the character
left out of the name (-1: the name itself)."""

_last: dict[str, tuple[object, Index]] = {}
"""The names last asked about (held, so their id is not reused) and their index: the
checks ask about one set's questions many times, each pass over 4,000 names to find
their index again costing 0.1 ms."""


def _variants(word: str) -> list[tuple[int, str]]:
    """The word (at -1) and each of it with one character left out, with its place."""
    if len(word) > LONGEST:
        return [(-1, word)]
    return [(-1, word), *((i, word[:i] + word[i + 1 :]) for i in range(len(word)))]


@lru_cache(maxsize=8)
def _deletions(pool: tuple[str, ...]) -> Index:
    """Each variant (:func:`_variants`) of every name → the names it comes from."""
    index: dict[str, list[tuple[str, int]]] = {}
    for name in pool:
        for at, variant in _variants(name):
            index.setdefault(variant, []).append((name, at))
    return {variant: tuple(found) for variant, found in index.items()}
