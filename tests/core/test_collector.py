"""Commands over every prospect pause the cyclic garbage collector, and always resume it."""

from __future__ import annotations

import gc

import pytest

from qualify.core.collector import collector_paused


def test_the_collector_rests_during_the_work_and_resumes_after_an_error() -> None:
    assert gc.isenabled()
    with pytest.raises(RuntimeError), collector_paused():
        assert not gc.isenabled()
        raise RuntimeError("a store error halfway")
    assert gc.isenabled()


def test_a_collector_paused_before_stays_paused() -> None:
    gc.disable()
    try:
        with collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    finally:
        gc.enable()
