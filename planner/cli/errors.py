"""`user_errors`: how every command turns a `PlannerError` into a message and an exit code.

Shared by planner/cli/commands.py and the commands kept in their own packages
(planner/cli/report.py, planner/cli/spreadsheet.py); it imports only
click and the error family.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from typing import Any, TypeVar

import click

from planner.errors import PlannerError

F = TypeVar("F", bound=Callable[..., Any])


def user_errors(func: F) -> F:
    """A `PlannerError` becomes a message on stderr and its exit code, never a traceback
    (unless the root command has --debug)."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except PlannerError as err:
            if click.get_current_context().find_root().params.get("debug"):
                raise
            click.echo(f"error: {err}", err=True)
            sys.exit(err.exit_code)

    return wrapper  # type: ignore[return-value]
