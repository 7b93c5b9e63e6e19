"""What Python 3.10 lacks and confgen uses: tomllib (the same parser ships as tomli) and
enum.StrEnum. Everything else in confgen runs on 3.10 as it is."""

from __future__ import annotations

import sys
from enum import Enum

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised by tests/test_python310.py under a real 3.10
    import tomli as tomllib

__all__ = ["StrEnum", "tomllib"]


class StrEnum(str, Enum):
    """enum.StrEnum: members are their values, in str() too."""

    def __str__(self) -> str:
        return str(self.value)
