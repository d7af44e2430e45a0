"""The war room's HTTP API (FastAPI): instances, solve runs and their progress; OpenAPI at /docs.

The OpenAPI pages (/docs, /redoc) are served with their scripts by
`fastapi_offline`, so they work without a network, as the page does.

Every error a user can cause is a 4xx with the located problems, never a
500 with a traceback: a bad instance is 422 `{"problems": [...]}` with the
same messages as `restart-planner validate`, and nothing is stored. Solves
are runs: queued, executed one at a time by `planner.web.runs.Runner`, and
read back with their progress and their plan (checked by `verify`).
"""

from __future__ import annotations

import asyncio
import json
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response, StreamingResponse
from fastapi_offline import FastAPIOffline
from pydantic import BaseModel, ConfigDict, Field

from planner.decisions.whatif import marginal_scenarios
from planner.errors import InstanceError
from planner.formats import money
from planner.formats.read import parse_instance, parse_plan, place
from planner.formats.schema import Instance, Plan
from planner.web.runs import Runner
from planner.web.store import Store

PAGE = Path(__file__).resolve().parent / "page.html"
_EVENT_SECONDS = 0.25  # how often a run's event stream looks for news
MAX_SECONDS = 3600.0  # one run's time limit at most: a war-room question, not a batch job


class SolveRequest(BaseModel):
    """POST /api/instances/{id}/solve: the solve's time limit and CP-SAT workers."""

    model_config = ConfigDict(extra="forbid")
    time_limit: float = Field(default=60.0, gt=0, le=MAX_SECONDS)
    workers: int = Field(default=2, ge=1, le=64)


class WhatIfRequest(BaseModel):
    """POST /api/instances/{id}/whatif: the changes, `PATH=VALUE` as the CLI takes them, a scenario each."""

    model_config = ConfigDict(extra="forbid")
    changes: list[str] = Field(min_length=1, max_length=100)
    time_limit: float = Field(default=60.0, gt=0, le=MAX_SECONDS)
    workers: int = Field(default=2, ge=1, le=64)


class ReplanRequest(BaseModel):
    """POST /api/instances/{id}/replan: re-plan from `today`, keeping a finished run's plan before it."""

    model_config = ConfigDict(extra="forbid")
    plan_run: int  # the run whose plan is carried out so far
    today: int = Field(ge=0)
    changes: list[str] = Field(default=[], max_length=100)
    time_limit: float = Field(default=60.0, gt=0, le=MAX_SECONDS)
    workers: int = Field(default=2, ge=1, le=64)


class ExplainRequest(BaseModel):
    """POST /api/instances/{id}/explain: why a finished run's plan does what it does, what costs most."""

    model_config = ConfigDict(extra="forbid")
    plan_run: int
    time_limit: float = Field(default=60.0, gt=0, le=MAX_SECONDS)  # the bottleneck table's re-solves
    workers: int = Field(default=2, ge=1, le=64)


def create_app(store: Store, *, run: bool = True) -> FastAPI:
    """The app over `store`; with `run`, its runner executes the queued runs while the app is up."""
    runner = Runner(store)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if run:
            runner.start()
        try:
            yield
        finally:
            if run:
                runner.close()

    app = FastAPIOffline(title="restart-planner", summary="The war room's API", lifespan=lifespan)
    app.state.store = store
    app.state.runner = runner

    @app.exception_handler(InstanceError)
    async def located(request: Request, err: InstanceError) -> JSONResponse:
        return JSONResponse(status_code=422, content={"problems": err.problems})

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, err: RequestValidationError) -> JSONResponse:
        problems = [f"{place(tuple(e['loc'][1:]) or tuple(e['loc']))}: {e['msg']}" for e in err.errors()]
        return JSONResponse(status_code=422, content={"problems": problems})

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def page() -> str:
        """The war room's page: plain HTML and JavaScript, nothing from the network."""
        return PAGE.read_text(encoding="utf-8")

    @app.get("/api/runs/{run_id}/report", response_class=HTMLResponse)
    def run_report(run_id: int, download: bool = False) -> HTMLResponse:
        """The report of a run's plan: the page `restart-planner report` writes (`planner.outputs.report`).

        With `download`, as a file to save (report-RUN.html).
        """
        instance, plan = _instance_and_plan(store, run_id)
        from planner.outputs.report import ReportError, build_report

        try:
            page = build_report(instance, plan)
        except ReportError as err:
            raise HTTPException(501, str(err)) from None
        return HTMLResponse(page, headers=_attachment(f"report-{run_id}.html") if download else None)

    @app.get("/api/runs/{run_id}/workbook.xlsx")
    def run_workbook(run_id: int) -> Response:
        """The instance and the run's plan as a workbook (`restart-planner export xlsx`): restarts,
        clearances, production, staff use and stock, to filter and pivot."""
        instance, plan = _instance_and_plan(store, run_id)
        import tempfile

        try:
            from planner.outputs.spreadsheet import write_workbook
        except ImportError:
            raise HTTPException(501, _XLSX_EXTRA) from None
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "plan.xlsx"
            write_workbook(instance, path, plan)
            body = path.read_bytes()
        return Response(body, media_type=_XLSX, headers=_attachment(f"plan-{run_id}.xlsx"))

    @app.get("/api/health")
    def health() -> dict[str, str]:
        return {"status": "ok"}

    @app.post("/api/instances", status_code=201)
    async def add_instance(request: Request) -> dict[str, Any]:
        """A restart-instance/1 file, or a filled .xlsx workbook (`restart-planner template`), as the body.

        422 with every problem located (a workbook's by sheet and cell), and nothing stored.
        """
        body = await request.body()
        if body.startswith(_ZIP):
            instance = _from_workbook(body)
            text = instance.model_dump_json(indent=2, exclude_unset=True)
        else:
            instance = parse_instance(body)  # InstanceError -> 422
            text = body.decode("utf-8")
        return {"id": store.add_instance(instance.name, text), "name": instance.name}

    @app.get("/api/instances")
    def instances() -> list[dict[str, Any]]:
        return [{"id": row.id, "name": row.name, "created": row.created} for row in store.instances()]

    @app.get("/api/instances/{instance_id}")
    def instance(instance_id: int) -> dict[str, Any]:
        row = store.instance(instance_id)
        if row is None:
            raise HTTPException(404, f"no instance {instance_id}")
        instance = parse_instance(row.text)
        return {
            "id": row.id,
            "name": row.name,
            "created": row.created,
            "instance": _json(row.text),
            "glance": _glance(instance),
            "levers": [str(s.changes[0]) for s in marginal_scenarios(instance)],
        }

    @app.post("/api/instances/{instance_id}/solve", status_code=202)
    def solve(instance_id: int, request: SolveRequest) -> dict[str, int]:
        if store.instance(instance_id) is None:
            raise HTTPException(404, f"no instance {instance_id}")
        workers = min(request.workers, os.cpu_count() or 1)
        return {
            "run": store.add_run(instance_id, "solve", {"time_limit": request.time_limit, "workers": workers})
        }

    @app.post("/api/instances/{instance_id}/whatif", status_code=202)
    def whatif(instance_id: int, request: WhatIfRequest) -> dict[str, int]:
        """Each change a scenario against the base, as `restart-planner whatif --json` compares them.

        The changes are checked against the instance first: 422 with each problem located.
        """
        row = store.instance(instance_id)
        if row is None:
            raise HTTPException(404, f"no instance {instance_id}")
        from planner.decisions.changes import apply_changes

        base = parse_instance(row.text)
        for change in request.changes:
            apply_changes(base, [change])  # InstanceError -> 422, located
        workers = min(request.workers, os.cpu_count() or 1)
        params = {"changes": request.changes, "time_limit": request.time_limit, "workers": workers}
        return {"run": store.add_run(instance_id, "whatif", params)}

    @app.post("/api/instances/{instance_id}/replan", status_code=202)
    def replan(instance_id: int, request: ReplanRequest) -> dict[str, int]:
        """As `restart-planner replan`: the run's plan kept before `today`, the changes applied, the rest
        re-optimised. The new plan is of the changed instance, stored as an instance of its own (the
        run's `result.instance`)."""
        plan = _plan_of(store, request.plan_run, instance_id)
        row = store.instance(instance_id)
        assert row is not None
        from planner.decisions.changes import apply_changes

        base = parse_instance(row.text)
        if request.today >= base.horizon_days:
            raise HTTPException(422, f"today: {request.today} is past the horizon ({base.horizon_days} days)")
        for change in request.changes:
            apply_changes(base, [change])  # InstanceError -> 422, located
        workers = min(request.workers, os.cpu_count() or 1)
        params = request.model_dump() | {"workers": workers, "plan": plan}
        return {"run": store.add_run(instance_id, "replan", params)}

    @app.post("/api/instances/{instance_id}/explain", status_code=202)
    def explain(instance_id: int, request: ExplainRequest) -> dict[str, int]:
        """As `restart-planner explain --json`: each line's and system's causes, and the bottleneck table."""
        old = store.run(request.plan_run)
        if (
            store.instance(instance_id) is None
            or old is None
            or old.plan is None
            or old.instance_id != instance_id
        ):
            raise HTTPException(404, f"no plan of run {request.plan_run} for instance {instance_id}")
        workers = min(request.workers, os.cpu_count() or 1)
        params = request.model_dump() | {"workers": workers, "plan": old.plan}
        return {"run": store.add_run(instance_id, "explain", params)}

    @app.get("/api/runs/{run_id}/plan.json")
    def plan_file(run_id: int) -> Response:
        """The run's plan as a restart-plan/1 file to download."""
        found = store.run(run_id)
        if found is None or found.plan is None:
            raise HTTPException(404, f"no plan of run {run_id}")
        return Response(
            json.dumps(found.plan, indent=2) + "\n",
            media_type="application/json",
            headers=_attachment(f"plan-{run_id}.json"),
        )

    @app.get("/api/runs/{run_id}")
    def get_run(run_id: int) -> dict[str, Any]:
        found = store.run(run_id)
        if found is None:
            raise HTTPException(404, f"no run {run_id}")
        return found.to_json()

    @app.get("/api/runs/{run_id}/events")
    async def run_events(run_id: int) -> StreamingResponse:
        """Server-sent events: each progress of the run as it comes (`progress`), then the run (`end`)."""
        if store.run(run_id) is None:
            raise HTTPException(404, f"no run {run_id}")

        async def events() -> AsyncIterator[str]:
            sent = 0
            while True:
                found = store.run(run_id)
                assert found is not None
                for step in found.progress[sent:]:
                    yield f"event: progress\ndata: {json.dumps(step)}\n\n"
                sent = len(found.progress)
                if found.status not in ("queued", "running"):
                    yield f"event: end\ndata: {json.dumps(found.to_json())}\n\n"
                    return
                await asyncio.sleep(_EVENT_SECONDS)

        return StreamingResponse(events(), media_type="text/event-stream")

    @app.delete("/api/runs/{run_id}")
    def stop_run(run_id: int) -> dict[str, Any]:
        """Stop a run: a queued one never starts; a running one ends with its best plan so far."""
        found = store.run(run_id)
        if found is None:
            raise HTTPException(404, f"no run {run_id}")
        if found.status in ("queued", "running"):
            runner.stop(run_id)
        return {"run": run_id, "stopping": found.status in ("queued", "running")}

    return app


def _plan_of(store: Store, run_id: int, instance_id: int) -> dict[str, Any]:
    """The plan of a finished run of `instance_id` (404 when there is none)."""
    found = store.run(run_id)
    if found is None or found.plan is None or found.instance_id != instance_id:
        raise HTTPException(404, f"no plan of run {run_id} for instance {instance_id}")
    return found.plan


def _instance_and_plan(store: Store, run_id: int) -> tuple[Instance, Plan]:
    """A finished run's plan and the instance it is of (404 when the run has no plan).

    A re-plan's plan is of the changed instance, which is stored as its own.
    """
    found = store.run(run_id)
    if found is None or found.plan is None:
        raise HTTPException(404, f"no plan of run {run_id}")
    of = found.instance_id if found.result is None else found.result.get("instance", found.instance_id)
    row = store.instance(of)
    assert row is not None
    return parse_instance(row.text), parse_plan(json.dumps(found.plan))


def _glance(instance: Instance) -> dict[str, Any]:
    """The instance at a glance, for the page: its size, its scarce teams, and how it says amounts."""
    unit = instance.value_unit
    return {
        "horizon_days": instance.horizon_days,
        "start_date": None if instance.start_date is None else instance.start_date.isoformat(),
        "objective": instance.objective,
        "plants": len(instance.plants),
        "lines": len(instance.lines),
        "systems": len(instance.systems),
        "cleared": sum(system.cleared for system in instance.systems),
        "materials": len(instance.materials),
        "resources": [{"id": r.id, "capacity": r.capacity} for r in instance.resources],
        # The page says amounts as `planner.formats.money.figure` does: value times scale, within the affixes.
        "value_unit": money.unit_json(unit),
        "affixes": money.affixes(unit),
        "scale": 1 if unit is None else unit.scale,
    }


def _attachment(filename: str) -> dict[str, str]:
    return {"Content-Disposition": f'attachment; filename="{filename}"'}


_XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_XLSX_EXTRA = "a workbook needs the xlsx extra: pip install 'restart-planner[xlsx]'"
_ZIP = b"PK\x03\x04"  # an .xlsx workbook is a zip file


def _from_workbook(body: bytes) -> Instance:
    """The instance of a workbook's bytes (`planner.outputs.spreadsheet`; the xlsx extra)."""
    import tempfile

    try:
        from planner.outputs.spreadsheet import read_workbook
    except ImportError:
        raise HTTPException(415, _XLSX_EXTRA) from None
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "upload.xlsx"
        path.write_bytes(body)
        return read_workbook(path)


def _json(text: str) -> Any:
    return json.loads(text)
