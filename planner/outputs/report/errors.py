"""The report's error, and the check that its optional libraries are installed."""

from __future__ import annotations

import importlib.util

from planner.errors import PlannerError

INSTALL = "pip install 'restart-planner[report]'"
LIBRARIES = ("altair", "vl_convert")


class ReportError(PlannerError):
    """The report cannot be made: its libraries are missing, or the plan breaks the contract."""

    exit_code = 1


def require_libraries() -> None:
    """Raise `ReportError` naming the install command when altair or vl-convert is missing."""
    missing = [name for name in LIBRARIES if importlib.util.find_spec(name) is None]
    if missing:
        raise ReportError(f"the report needs {' and '.join(missing)}: {INSTALL}")
