"""The garbage-collector pause used by the bulk paths leaves the collector as it found it."""
import gc

import pytest

from kcourse.instructor.perf import paused_gc


def test_paused_gc_restores_the_collector():
    assert gc.isenabled()
    with pytest.raises(KeyError):
        with paused_gc():
            assert not gc.isenabled()
            raise KeyError("boom")
    assert gc.isenabled()
    gc.disable()
    try:
        with paused_gc():
            pass
        assert not gc.isenabled()  # it was off before: it stays off
    finally:
        gc.enable()
