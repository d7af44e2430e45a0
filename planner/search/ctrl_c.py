"""`stop_on_ctrl_c(solver)`: Ctrl-C stops a CP-SAT search and then still reaches Python.

Every CP-SAT run of the planner goes through it (planner/solve.py,
planner/diagnosis/conflicts.py). A program that installs `terminate_as_interrupt` as
its SIGTERM handler (the command line does) gets the same for SIGTERM: a
search is stopped and its best plan kept, and elsewhere SIGTERM raises
KeyboardInterrupt, so that the same clean-up runs as for Ctrl-C.
"""

from __future__ import annotations

import contextlib
import signal
import socket
import threading
from collections.abc import Iterator
from typing import Protocol

from ortools.sat.python import cp_model


class Stoppable(Protocol):
    def stop_search(self) -> None: ...


def terminate_as_interrupt(signum: int, frame: object) -> None:
    """A SIGTERM handler: SIGTERM is handled as Ctrl-C (see the module)."""
    raise KeyboardInterrupt


@contextlib.contextmanager
def stop_on_ctrl_c(solver: cp_model.CpSolver, *others: Stoppable) -> Iterator[threading.Event]:
    """While the search runs, Ctrl-C stops it (the best plan so far is kept); the event says so.

    `others` are searches running alongside (the large neighbourhood search of
    `planner.cpsat.lns`), stopped with it.

    CP-SAT can catch SIGINT itself (`catch_sigint_signal`, on by default), but
    it then sets SIGINT to SIG_DFL when the search ends (ortools/util/sigint.cc),
    so a later Ctrl-C would kill the process without any cleanup. Instead a
    Python handler stays in place. It cannot run while the main thread is inside
    the solver, but the signal still writes to the wakeup fd, on which a thread
    waits to call `stop_search()`. Signals belong to the main thread: called from
    another, the search keeps CP-SAT's own handling. An ignored SIGINT (a
    background job, nohup) stays ignored.
    """
    interrupted = threading.Event()
    if threading.current_thread() is not threading.main_thread():
        yield interrupted
        return
    solver.parameters.catch_sigint_signal = False
    caught = [signal.SIGINT] if signal.getsignal(signal.SIGINT) is not signal.SIG_IGN else []
    if signal.getsignal(signal.SIGTERM) is terminate_as_interrupt:
        caught.append(signal.SIGTERM)
    if not caught:
        yield interrupted
        return
    reader, writer = socket.socketpair()
    writer.setblocking(False)
    finished = threading.Event()
    watcher = threading.Thread(
        target=_watch_ctrl_c,
        args=(reader, (solver, *others), set(caught), interrupted, finished),
        daemon=True,
    )
    previous_fd = signal.set_wakeup_fd(writer.fileno(), warn_on_full_buffer=False)
    previous = {signum: signal.signal(signum, _ignore_signal) for signum in caught}
    watcher.start()
    try:
        yield interrupted
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, signal.default_int_handler if handler is None else handler)
        signal.set_wakeup_fd(previous_fd)
        finished.set()
        writer.close()  # the watcher reads the end of the stream and returns
        watcher.join()
        reader.close()


def _watch_ctrl_c(
    reader: socket.socket,
    searches: tuple[Stoppable, ...],
    caught: set[int],
    interrupted: threading.Event,
    finished: threading.Event,
) -> None:
    """Wait for a caught signal's byte on the wakeup socket, then stop the search until it has stopped."""
    while True:
        received = reader.recv(64)
        if not received:
            return
        if caught.intersection(received):
            break
    interrupted.set()
    # Repeated: a Ctrl-C just before the search began would otherwise be lost.
    while True:
        for search in searches:
            search.stop_search()
        if finished.wait(0.1):
            return


def _ignore_signal(signum: int, frame: object) -> None:
    """SIGINT's (and SIGTERM's) handler during a search: `_watch_ctrl_c` acts on it."""
