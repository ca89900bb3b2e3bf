"""The first request's pause of the garbage collector: once, always undone, never forced on."""

import gc
from collections.abc import Iterator

import pytest

from chalicelib.platform import start_up


@pytest.fixture(autouse=True)
def fresh_container(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(start_up, "_first_claimed", False)
    monkeypatch.setattr(start_up, "_collector_was_enabled", None)
    was_enabled = gc.isenabled()
    yield
    gc.unfreeze()
    if was_enabled:
        gc.enable()


def test_the_first_request_runs_without_the_collector_and_ends_with_everything_frozen() -> None:
    gc.enable()
    frozen_before = gc.get_freeze_count()
    with start_up.first_request_without_collector():
        assert not gc.isenabled()
        kept = [object() for _ in range(1_000)]  # lives on, as the container's client does
    assert gc.isenabled()
    assert gc.get_freeze_count() >= frozen_before + len(kept)


def test_later_requests_leave_the_collector_alone() -> None:
    gc.enable()
    with start_up.first_request_without_collector():
        pass
    frozen = gc.get_freeze_count()
    with start_up.first_request_without_collector():
        assert gc.isenabled()
    assert gc.get_freeze_count() == frozen


def test_a_first_request_that_raises_still_turns_the_collector_back_on() -> None:
    gc.enable()
    with pytest.raises(RuntimeError), start_up.first_request_without_collector():
        raise RuntimeError("the view failed")
    assert gc.isenabled()


def test_a_collector_that_was_off_before_stays_off() -> None:
    gc.disable()
    with start_up.first_request_without_collector():
        pass
    assert not gc.isenabled()


def test_a_pause_at_import_lasts_through_the_first_request_and_ends_with_it() -> None:
    gc.enable()
    start_up.pause_collector()
    assert not gc.isenabled()
    with start_up.first_request_without_collector():
        assert not gc.isenabled()
    assert gc.isenabled()


def test_once_the_first_request_is_over_nothing_pauses_the_collector_again() -> None:
    gc.enable()
    with start_up.first_request_without_collector():
        pass
    start_up.pause_collector()
    assert gc.isenabled()
