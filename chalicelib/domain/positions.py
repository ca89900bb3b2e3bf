"""Positions: strings whose order, compared as strings, is a list's manual order.

A new todo's position is its id. Ids are ULIDs, which sort by creation
time, so a new todo goes after every older one, and a todo stored before
positions existed is already in place. Moving a todo gives it a string
strictly between its new neighbours, so a move rewrites one todo only.

Positions use the ULID's alphabet, and one never ends in its lowest
digit, so there is always room below it as well as above. Each move into
the same gap makes the string about a fifth of a character longer; past
MAX_LENGTH the neighbourhood is spread out again (see TodoStore.move).
"""

import re

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
BASE = len(ALPHABET)
MAX_LENGTH = 64
_DIGIT = {char: value for value, char in enumerate(ALPHABET)}
_POSITION = re.compile(f"[{ALPHABET}]{{1,{MAX_LENGTH}}}")


def is_position(text: str) -> bool:
    return _POSITION.fullmatch(text) is not None


def between(low: str | None, high: str | None) -> str:
    """A position after `low` and before `high`; None means no bound on that side."""
    low = low or ""
    if high is not None and not low < high:
        raise ValueError(f"no position between {low!r} and {high!r}")
    digits: list[str] = []
    bounded = high is not None
    index = 0
    while True:
        if bounded and index == len(high):
            raise ValueError(f"no position between {low!r} and {high!r}")  # high is low + "0..."
        low_digit = _DIGIT[low[index]] if index < len(low) else 0
        high_digit = _DIGIT[high[index]] if bounded else BASE
        if low_digit == high_digit:
            digits.append(ALPHABET[low_digit])
        else:
            middle = (low_digit + high_digit) // 2
            if middle > low_digit:
                digits.append(ALPHABET[middle])
                return "".join(digits)
            # Adjacent digits: keep the low one; being below `high` is now settled.
            digits.append(ALPHABET[low_digit])
            bounded = False
        index += 1


def spread(low: str | None, high: str | None, count: int) -> list[str]:
    """`count` positions in order between `low` and `high`, as short as bisection makes them."""
    if count == 0:
        return []
    half = count // 2
    middle = between(low, high)
    return [*spread(low, middle, half), middle, *spread(middle, high, count - half - 1)]
