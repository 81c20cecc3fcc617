"""Blue-green slots (RAG-13): readers never fail during swaps; failed builds keep the old index."""

import threading

import pytest

from systems.rag.lifecycle import IndexSlots
from systems.rag.operations import swap_drill


class Snap:
    def __init__(self, docs):
        self.docs = dict(docs)
        self.ready = True


def test_swap_makes_update_visible_and_keeps_last_good():
    slots = IndexSlots(Snap, {"a": "x"}, max_pending=2)
    first = slots.current()
    slots.queue_update("b", "y")
    assert not slots.due()
    slots.queue_update("c", "z")
    assert slots.due() and slots.rebuild()
    assert set(slots.current().docs) == {"a", "b", "c"} and slots.last_good is first
    slots.rollback()
    assert slots.current() is first


def test_failed_build_keeps_active_and_the_updates():
    calls = {"n": 0}

    def build(docs):
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("disk full")
        return Snap(docs)

    slots = IndexSlots(build, {"a": "x"}, max_pending=1)
    old = slots.current()
    slots.queue_update("b", "y")
    assert not slots.rebuild() and slots.current() is old and slots.failed_builds == 1
    assert slots.rebuild() and "b" in slots.current().docs


def test_smoke_check_blocks_a_bad_index():
    def smoke(idx):
        if "bad" in idx.docs:
            raise ValueError("smoke query failed")

    slots = IndexSlots(Snap, {"a": "x"}, smoke=smoke, max_pending=1)
    slots.queue_update("bad", "?")
    assert not slots.rebuild() and "bad" not in slots.current().docs


def test_age_trigger_and_rollback_without_history():
    now = [0.0]
    slots = IndexSlots(Snap, {"a": "x"}, max_pending=1000, max_age=300, clock=lambda: now[0])
    slots.queue_update("b", "y")
    now[0] = 299
    assert not slots.due()
    now[0] = 300
    assert slots.due()
    with pytest.raises(RuntimeError, match="no previous index"):
        slots.rollback()


def test_background_rebuild_thread():
    slots = IndexSlots(Snap, {"a": "x"}, max_pending=1)
    stop = slots.start_background(interval=0.001)
    slots.queue_update("b", "y")
    for _ in range(2000):
        if "b" in slots.current().docs:
            break
        threading.Event().wait(0.001)
    stop.set()
    assert "b" in slots.current().docs


def test_readers_during_swaps_never_fail_but_in_place_rebuild_does():
    docs = {f"d{i}": f"copay mail order text {i}" for i in range(30)}
    out = swap_drill(docs, n_swaps=3, n_readers=2, delay=0.01)
    assert out.blue_green_failed == 0 and out.blue_green_queries > 0
    assert out.swaps == 3 and out.update_visible_after_swap == 1
    assert out.in_place_failed > 0, "the control must show what a half-built read looks like"
