"""Garbage collection run by the GUI thread's timer, generation by generation."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator

import pytest

from desktop.ui.collector import collect_due


class _Node:
    def __init__(self) -> None:
        self.me = self  # a cycle: only the cyclic collector frees it


@pytest.fixture
def manual_collection() -> Iterator[None]:
    """As the app's collector sets it: no collection in whatever thread allocates."""
    gc.disable()
    gc.collect()
    yield
    gc.enable()


@pytest.mark.usefixtures("manual_collection")
def test_nothing_is_collected_until_a_generation_is_due_then_cycles_are_freed() -> None:
    assert collect_due() is None
    first = _Node()
    gone = weakref.ref(first)
    del first
    for _ in range(gc.get_threshold()[0] + 10):
        _Node()
    assert gone() is not None  # nothing collected it behind our back
    assert collect_due() is not None
    assert gone() is None
