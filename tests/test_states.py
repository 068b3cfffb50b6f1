"""The call and show state tables: every allowed move works, every other move is refused."""
import itertools

import pytest

from callin.states import (CALL_TRANSITIONS, SHOW_TRANSITIONS, CallState, IllegalTransition,
                           ShowState, can_transition, transition)

ALLOWED_CALL_MOVES = {
    ("ringing", "screening"), ("ringing", "abandoned"),
    ("screening", "ready"), ("screening", "abandoned"), ("screening", "rejected"),
    ("ready", "on_air"), ("ready", "abandoned"),
    ("on_air", "done"), ("on_air", "dropped"),
}
ALL_CALL_PAIRS = list(itertools.product(list(CallState), repeat=2))


def test_call_table_is_exactly_the_design_diagram():
    assert {(str(a), str(b)) for a, b in CALL_TRANSITIONS} == ALLOWED_CALL_MOVES


@pytest.mark.parametrize("current,target", sorted(ALLOWED_CALL_MOVES))
def test_allowed_call_move(plain_app, current, target):
    assert transition("call", CallState(current), CallState(target)) == target


@pytest.mark.parametrize("current,target", [
    (a, b) for a, b in ALL_CALL_PAIRS if (str(a), str(b)) not in ALLOWED_CALL_MOVES])
def test_forbidden_call_move(plain_app, current, target):
    assert not can_transition("call", current, target)
    with pytest.raises(IllegalTransition) as caught:
        transition("call", current, target)
    assert caught.value.status == 409
    assert str(current) in caught.value.message or caught.value.message


def test_show_table():
    assert SHOW_TRANSITIONS == {(ShowState.SCHEDULED, ShowState.LIVE),
                                (ShowState.LIVE, ShowState.ENDED)}
    for current, target in itertools.product(list(ShowState), repeat=2):
        assert can_transition("show", current, target) == ((current, target) in SHOW_TRANSITIONS)


from callin.states import CASE_TRANSITIONS, CaseState  # noqa: E402

ALLOWED_CASE_MOVES = {
    ("registered", "dispatched"), ("registered", "awaiting_visit"), ("registered", "closed"),
    ("registered", "merged"), ("registered", "rejected"),
    ("dispatched", "in_progress"), ("dispatched", "returned"), ("dispatched", "merged"),
    ("in_progress", "returned"), ("in_progress", "replied"),
    ("returned", "dispatched"), ("returned", "merged"), ("returned", "rejected"),
    ("replied", "awaiting_visit"), ("replied", "in_progress"),
    ("awaiting_visit", "closed"), ("awaiting_visit", "in_progress"),
}


def test_case_table_is_exactly_the_lifecycle():
    assert {(str(a), str(b)) for a, b in CASE_TRANSITIONS} == ALLOWED_CASE_MOVES


@pytest.mark.parametrize("current,target", list(itertools.product(list(CaseState), repeat=2)))
def test_every_case_move(plain_app, current, target):
    if (str(current), str(target)) in ALLOWED_CASE_MOVES:
        assert transition("case", current, target) == target
    else:
        with pytest.raises(IllegalTransition):
            transition("case", current, target)


def test_the_open_states_sql_of_the_partial_index_names_exactly_the_open_states():
    import re

    from callin.models.cases import OPEN_STATES_SQL
    from callin.states import OPEN_CASE_STATES
    assert re.findall(r"'(\w+)'", OPEN_STATES_SQL) == [str(s) for s in OPEN_CASE_STATES]
