"""What Python 3.10 lacks and confgen uses: a TOML parser, enum.StrEnum and
typing.dataclass_transform.

The TOML parser is tomli 2.2, the parser the standard library ships as tomllib (TOML
1.0, the same messages): its wheels are compiled with mypyc, which reads a manifest
about twice as fast as the pure-Python tomllib (a quarter of validate's time on 1,000
workers). tests/test_fuzz.py checks that both read every text alike. Without tomli
(installed without dependencies), Python 3.11's own tomllib does the same job.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from enum import Enum
from typing import Any

try:
    import tomli as tomllib
except ImportError:  # pragma: no cover - confgen depends on tomli; 3.11+ still works without
    import tomllib  # type: ignore[no-redef]

if sys.version_info >= (3, 11):
    from typing import dataclass_transform
else:
    def dataclass_transform(**_: Any) -> Callable[[Any], Any]:
        """typing.dataclass_transform: it only informs type checkers."""
        return lambda decorated: decorated

__all__ = ["StrEnum", "dataclass_transform", "tomllib"]


class StrEnum(str, Enum):
    """enum.StrEnum: members are their values, in str() too."""

    def __str__(self) -> str:
        return str(self.value)
