"""Showing a search's progress on stderr: a live line on a terminal, log lines otherwise.

`show_progress(stream)` gives the `on_progress` callback to pass to
`planner.solve.solve`: on a terminal a `rich` status line redrawn in place
(elapsed time, best objective, proven bound, gap), cleared when the search
ends; elsewhere (a pipe, a log file, CI) `PlainProgress` prints lines such as

      12.3 s  objective 14,160,000  bound 10,200,000  gap 28.0%

the first at once, then at most one every 5 seconds (the latest state), and
the last when the search ends: a minute's search on JLR-2025, with its 40 and
more better plans and bounds, makes about a dozen lines of a log.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, TextIO

from planner.solve import OnProgress, Progress

if TYPE_CHECKING:
    from rich.console import RenderableType

Clock = Callable[[], float]


def progress_line(progress: Progress, elapsed: float | None = None) -> str:
    """'  12.3 s  objective 14,160,000  bound 10,200,000  gap 28.0%' ('-' for what is not known yet)."""
    seconds = progress.elapsed if elapsed is None else elapsed
    gap = "-" if progress.gap is None else f"{progress.gap:.1%}"
    return (
        f"{seconds:6.1f} s  objective {_number(progress.objective)}  "
        f"bound {_number(progress.bound)}  gap {gap}"
    )


def _number(value: int | None) -> str:
    return "-" if value is None else f"{value:,}"


class PlainProgress:
    """Log lines: the first at once, then at most one every `interval` seconds, the last on `close`."""

    def __init__(self, stream: TextIO, interval: float = 5.0, clock: Clock = time.monotonic) -> None:
        self.stream = stream
        self.interval = interval
        self.clock = clock
        self._lock = threading.Lock()  # CP-SAT calls back from its own threads
        self._printed: Progress | None = None
        self._printed_at = -float("inf")
        self._latest: Progress | None = None

    def __call__(self, progress: Progress) -> None:
        with self._lock:
            self._latest = progress
            now = self.clock()
            if now - self._printed_at >= self.interval:
                self._print(progress, now)

    def close(self) -> None:
        """Print the last state if a throttled update left it unprinted."""
        with self._lock:
            if self._latest is not None and self._latest is not self._printed:
                self._print(self._latest, self.clock())

    def _print(self, progress: Progress, now: float) -> None:
        print(progress_line(progress), file=self.stream, flush=True)
        self._printed = progress
        self._printed_at = now


class LiveProgress:
    """A status line on a terminal, redrawn in place; the clock ticks between updates."""

    def __init__(self, stream: TextIO, clock: Clock = time.monotonic) -> None:
        from rich.console import Console
        from rich.live import Live
        from rich.spinner import Spinner

        self.clock = clock
        self._origin = clock()  # the solve's start on this clock, corrected by each update
        self._latest: Progress | None = None
        self._spinner = Spinner("dots", style="cyan")
        console = Console(file=stream)
        # stdout is left alone: the plan may go there once the search is over.
        self._live = Live(self, console=console, refresh_per_second=8, transient=True, redirect_stdout=False)
        self._live.start()

    def __call__(self, progress: Progress) -> None:
        self._origin = self.clock() - progress.elapsed
        self._latest = progress

    def __rich__(self) -> RenderableType:
        elapsed = self.clock() - self._origin
        if self._latest is None:
            text = f"{elapsed:6.1f} s  preparing the search"
        else:
            text = progress_line(self._latest, elapsed)
        self._spinner.update(text=text)
        return self._spinner

    def close(self) -> None:
        """Remove the line, so that the summary that follows stands alone."""
        self._live.stop()


@contextlib.contextmanager
def show_progress(stream: TextIO, *, quiet: bool = False) -> Iterator[OnProgress | None]:
    """The `on_progress` callback for `stream`: live on a terminal, plain lines otherwise, None if quiet."""
    if quiet:
        yield None
        return
    display = LiveProgress(stream) if stream.isatty() else PlainProgress(stream)
    try:
        yield display
    finally:
        display.close()
