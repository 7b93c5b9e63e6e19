"""What Python 3.10 lacks and confgen uses: a TOML parser and enum.StrEnum.

The TOML parser is tomli 2.2, the parser the standard library ships as tomllib (TOML
1.0, the same messages): its wheels are compiled with mypyc, which reads a manifest
about twice as fast as the pure-Python tomllib (a quarter of validate's time on 1,000
workers). tests/test_fuzz.py checks that both read every text alike. Without tomli
(installed without dependencies), Python 3.11's own tomllib does the same job.
"""

from __future__ import annotations

from enum import Enum

try:
    import tomli as tomllib
except ImportError:  # pragma: no cover - confgen depends on tomli; 3.11+ still works without
    import tomllib  # type: ignore[no-redef]

__all__ = ["StrEnum", "tomllib"]


class StrEnum(str, Enum):
    """enum.StrEnum: members are their values, in str() too."""

    def __str__(self) -> str:
        return str(self.value)
