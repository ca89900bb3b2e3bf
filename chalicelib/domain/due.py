"""Due dates: an RFC 3339 full-date or date-time, and the order they sort in.

A date ("2026-12-24") is a whole day, with no time zone; a date-time
("2026-12-24T18:00:00+01:00") is an instant. They are kept as given and
sorted by a key: the date itself, or the instant in UTC. So a date sorts
before every date-time on that day (UTC), and filters compare keys the
same way: `due_before=2026-12-24` is everything due before that day
begins, and `due_after=2026-12-24` everything due on or after it.
"""

import re
from datetime import UTC, date, datetime

from chalicelib.domain.errors import FieldError, InvalidInput

# RFC 3339 section 5.6; a leap second (":60") is refused, since nothing here can mean it.
_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_DATE_TIME = re.compile(
    r"(\d{4}-\d{2}-\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})"
)
_FORMAT = "must be an RFC 3339 date (2026-12-24) or date-time (2026-12-24T18:00:00Z)"


def parse_due(value: str, field: str = "due") -> str:
    """The due date as given, once it is known to be a real date or instant."""
    due_sort_key(value, field)
    return value


def due_sort_key(value: str, field: str = "due") -> str:
    """What due dates sort and compare by; InvalidInput naming `field` if `value` is none."""
    try:
        if _DATE.fullmatch(value):
            return date.fromisoformat(value).isoformat()
        if found := _DATE_TIME.fullmatch(value):
            day, hour, minute, second, fraction, offset = found.groups()
            # Python reads at most microseconds; finer digits cannot change the order much.
            micro = (fraction or ".0")[1:7].ljust(6, "0")
            zone = "+00:00" if offset in "Zz" else offset
            text = f"{day}T{hour}:{minute}:{second}.{micro}{zone}"
            instant = datetime.fromisoformat(text).astimezone(UTC)
            return instant.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    except (ValueError, OverflowError):  # no such day or time; or past year 1 or 9999 in UTC
        pass
    raise InvalidInput(FieldError(field, _FORMAT))
