"""The runner: the queued runs, one at a time, each solved in a child process.

A child process per run keeps a crash, a memory blow-up or a stuck solver
out of the server, and makes a stop the planner's own Ctrl-C: the child
runs `planner.solve` in its main thread, where SIGINT stops the search and
the best plan so far is returned (`planner.search.ctrl_c`). Progress comes
back on a queue as the search reports it; the plan is checked by `verify`
in the server before it is stored, so the API never returns a plan that
breaks the contract.
"""

from __future__ import annotations

import contextlib
import json
import multiprocessing
import os
import queue
import signal
import threading
from typing import Any

from planner.formats.read import parse_instance, parse_plan
from planner.verify import verify
from planner.web.store import RunRow, Store

_POLL_SECONDS = 0.2  # how often an idle runner looks for a queued run, and a busy one for a stop


def _child(kind: str, text: str, params: dict[str, Any], out: Any) -> None:
    """In the child: run, sending each progress and then the plan, the result or the error on `out`."""
    signal.signal(signal.SIGINT, signal.default_int_handler)
    from planner.errors import PlannerError
    from planner.solve import solve

    try:
        instance = parse_instance(text)
        if kind == "replan":
            from planner.decisions.replan import replan

            old = parse_plan(json.dumps(params["plan"]))
            limit, workers = float(params["time_limit"]), int(params["workers"])
            done = replan(
                instance,
                old,
                int(params["today"]),
                changes=list(params["changes"]),
                time_limit=limit,
                workers=workers,
            )
            summary = {
                "instance": json.loads(done.instance.model_dump_json(exclude_unset=True)),
                "today": done.today,
                "changes": list(done.changes),
                "saving": done.saving,
                "most_saving": done.most_saving,
                "changed": done.changed,
            }
            out.put(("replan", json.dumps({"plan": done.plan.to_json(), "summary": summary}), False))
            return
        if kind == "explain":
            from planner.decisions.explain import explain

            plan = parse_plan(json.dumps(params["plan"]))
            limit, workers = float(params["time_limit"]), int(params["workers"])
            explained = explain(instance, plan, time_limit=limit, workers=workers)
            out.put(("result", json.dumps(explained.to_json()), False))
            return
        if kind == "whatif":
            from planner.decisions.whatif import whatif

            compared = whatif(
                instance,
                list(params["changes"]),
                time_limit=float(params["time_limit"]),
                workers=int(params["workers"]),
            )
            out.put(("result", json.dumps(compared.to_json()), False))
            return
        result = solve(
            instance,
            time_limit=float(params["time_limit"]),
            workers=int(params["workers"]),
            on_progress=lambda p: out.put(("progress", p.elapsed, p.objective, p.bound)),
        )
        out.put(("plan", result.plan.to_json(), result.interrupted))
    except PlannerError as err:
        out.put(("error", str(err), False))
    except KeyboardInterrupt:
        out.put(("error", "stopped before the search began", True))


class Runner:
    """Executes the store's queued runs in order, one at a time, on a thread of its own."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._stop = threading.Event()
        self._stopping_run: int | None = None
        self._current: tuple[int, multiprocessing.process.BaseProcess] | None = None
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._loop, name="restart-planner runner", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def close(self) -> None:
        """Stop the runner: the running child is stopped as by Ctrl-C, its best plan kept."""
        self._stop.set()
        with self._lock:
            if self._current is not None:
                self._interrupt(self._current[1])
        self._thread.join(timeout=30)

    def stop(self, run_id: int) -> bool:
        """Stop run `run_id`: a queued one never starts, a running one keeps its best plan. Was it ours?"""
        with self._lock:
            if self._current is not None and self._current[0] == run_id:
                self._stopping_run = run_id
                self._interrupt(self._current[1])
                return True
        run = self.store.run(run_id)
        if run is not None and run.status == "queued":
            self.store.set_status(run_id, "interrupted", error="stopped before it started")
            return True
        return False

    @staticmethod
    def _interrupt(process: multiprocessing.process.BaseProcess) -> None:
        if process.pid is not None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(process.pid, signal.SIGINT)

    def _loop(self) -> None:
        while not self._stop.is_set():
            row = self.store.next_queued()
            if row is None:
                self._stop.wait(_POLL_SECONDS)
                continue
            try:
                self._execute(row)
            except Exception as err:  # a bug of ours must not leave the run "running" nor stop the runner
                self.store.set_status(row.id, "failed", error=f"the runner failed: {err!r}")

    def _execute(self, row: RunRow) -> None:
        instance = self.store.instance(row.instance_id)
        assert instance is not None
        params = json.loads(row.params)
        self.store.set_status(row.id, "running")
        context = multiprocessing.get_context("spawn")
        out = context.Queue()
        child = context.Process(target=_child, args=(row.kind, instance.text, params, out), daemon=True)
        child.start()
        with self._lock:
            self._current = (row.id, child)
        ended: tuple[str, str, bool] | None = None
        try:
            while ended is None:
                try:
                    message = out.get(timeout=_POLL_SECONDS)
                except queue.Empty:
                    if not child.is_alive():
                        break
                    continue
                if message[0] == "progress":
                    self.store.add_progress(row.id, *message[1:])
                else:
                    ended = message
        finally:
            child.join(timeout=10)
            if child.is_alive():
                child.kill()
            with self._lock:
                self._current = None
                stopped = self._stopping_run == row.id or self._stop.is_set()
                self._stopping_run = None
        self._finish(row.id, instance.text, ended, stopped)

    def _finish(self, run_id: int, text: str, ended: tuple[str, str, bool] | None, stopped: bool) -> None:
        if ended is None:
            self.store.set_status(run_id, "failed", error="the solver's process ended without a plan")
            return
        kind, body, interrupted = ended
        if kind == "error":
            self.store.set_status(run_id, "interrupted" if interrupted else "failed", error=body)
            return
        if kind == "result":
            self.store.set_status(run_id, "done", result=body)
            return
        result = None
        if kind == "replan":
            replanned = json.loads(body)
            body, summary = replanned["plan"], replanned["summary"]
            text = json.dumps(summary.pop("instance"))  # the plan is of the instance with the changes applied
            summary["instance"] = self.store.add_instance(parse_instance(text).name, text)
            result = json.dumps(summary)
        plan = parse_plan(body)
        report = verify(parse_instance(text), plan)
        if not report.ok:  # never expected: the checker is the last line of defence
            self.store.set_status(run_id, "failed", error="the plan fails the checker:\n" + report.summary())
            return
        status = "interrupted" if interrupted or stopped else "done"
        self.store.set_status(run_id, status, plan=body, result=result)
