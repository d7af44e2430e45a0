"""The war room's API against a real SQLite file: instances, solve runs, stops and restarts."""

from __future__ import annotations

import contextlib
import json
import time
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("fastapi")
from fastapi.testclient import TestClient

from planner.formats.read import load_instance, parse_plan
from planner.verify import verify
from planner.web.app import create_app
from planner.web.store import Store

from helpers import EXAMPLES

ONE_TEAM = EXAMPLES / "01-precedence-and-one-team.json"
JLR = Path(__file__).resolve().parents[1] / "instances" / "jlr-2025.json"
JLR_OPTIMUM = 13_595_739  # proven by HiGHS and by CP-SAT (benchmarks/README.md); no plan is below it


def _url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'war-room.db'}"


@pytest.fixture
def client(tmp_path: Path):
    with TestClient(create_app(Store.open(_url(tmp_path)))) as client:
        yield client


def _wait(client: TestClient, run: int, until: Any, seconds: float = 60.0) -> dict[str, Any]:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        body = client.get(f"/api/runs/{run}").json()
        if until(body):
            return body
        time.sleep(0.2)
    raise AssertionError(f"run {run} did not get there in {seconds} s: {body['status']}")


def test_health(client: TestClient) -> None:
    assert client.get("/api/health").json() == {"status": "ok"}


def test_an_instance_is_stored_and_read_back(client: TestClient) -> None:
    response = client.post("/api/instances", content=ONE_TEAM.read_bytes())
    assert response.status_code == 201
    ident = response.json()["id"]
    body = client.get(f"/api/instances/{ident}").json()
    assert body["instance"] == json.loads(ONE_TEAM.read_text())
    assert [i["id"] for i in client.get("/api/instances").json()] == [ident]


def test_a_bad_instance_is_422_with_located_problems_and_nothing_is_stored(client: TestClient) -> None:
    document = json.loads(ONE_TEAM.read_text())
    document["lines"][0]["plant"] = "hallewood"
    response = client.post("/api/instances", content=json.dumps(document))
    assert response.status_code == 422
    assert any("lines[0].plant: unknown plant 'hallewood'" in p for p in response.json()["problems"])
    assert client.post("/api/instances", content=b"{not json").status_code == 422
    assert client.get("/api/instances").json() == []


def test_bad_solve_requests_and_unknown_ids_are_4xx(client: TestClient) -> None:
    ident = client.post("/api/instances", content=ONE_TEAM.read_bytes()).json()["id"]
    response = client.post(f"/api/instances/{ident}/solve", json={"time_limit": -1})
    assert response.status_code == 422
    assert response.json()["problems"][0].startswith("time_limit: ")
    assert client.post(f"/api/instances/{ident}/solve", json={"threads": 2}).status_code == 422
    assert client.post("/api/instances/999/solve", json={}).status_code == 404
    assert client.get("/api/runs/999").status_code == 404


def test_a_solve_runs_reports_progress_and_returns_a_verified_plan(client: TestClient) -> None:
    ident = client.post("/api/instances", content=ONE_TEAM.read_bytes()).json()["id"]
    response = client.post(f"/api/instances/{ident}/solve", json={"time_limit": 10, "workers": 1})
    assert response.status_code == 202
    body = _wait(client, response.json()["run"], lambda b: b["status"] not in ("queued", "running"))
    assert body["status"] == "done", body
    plan = parse_plan(json.dumps(body["plan"]))
    assert verify(load_instance(ONE_TEAM), plan).ok
    assert plan.status == "optimal" and plan.objective.value == 380  # example 01's stated optimum
    assert body["progress"] and body["progress"][-1]["objective"] == 380


def test_a_stopped_run_keeps_its_best_plan(client: TestClient) -> None:
    ident = client.post("/api/instances", content=JLR.read_bytes()).json()["id"]
    run = client.post(f"/api/instances/{ident}/solve", json={"time_limit": 120, "workers": 1}).json()["run"]
    _wait(client, run, lambda b: b["status"] == "running" and b["progress"])
    assert client.delete(f"/api/runs/{run}").json() == {"run": run, "stopping": True}
    body = _wait(client, run, lambda b: b["status"] not in ("queued", "running"))
    assert body["status"] == "interrupted" and body["plan"] is not None
    plan = parse_plan(json.dumps(body["plan"]))
    assert verify(load_instance(JLR), plan).ok
    assert plan.objective.value is not None and plan.objective.value >= JLR_OPTIMUM


def test_a_restart_loses_nothing_and_marks_unfinished_runs_interrupted(tmp_path: Path) -> None:
    with TestClient(create_app(Store.open(_url(tmp_path)), run=False)) as client:
        ident = client.post("/api/instances", content=ONE_TEAM.read_bytes()).json()["id"]
        run = client.post(f"/api/instances/{ident}/solve", json={"time_limit": 5}).json()["run"]
        assert client.get(f"/api/runs/{run}").json()["status"] == "queued"
    with TestClient(create_app(Store.open(_url(tmp_path)), run=False)) as client:
        assert [i["id"] for i in client.get("/api/instances").json()] == [ident]
        body = client.get(f"/api/runs/{run}").json()
        assert body["status"] == "interrupted" and "server stopped" in body["error"]


def test_a_workbook_upload_is_read_with_cell_located_problems(client: TestClient, tmp_path: Path) -> None:
    pytest.importorskip("openpyxl")
    from planner.outputs.spreadsheet import write_workbook

    book = tmp_path / "one-team.xlsx"
    write_workbook(load_instance(ONE_TEAM), book)
    response = client.post("/api/instances", content=book.read_bytes())
    assert response.status_code == 201, response.json()
    stored = client.get(f"/api/instances/{response.json()['id']}").json()["instance"]
    assert load_instance(ONE_TEAM) == load_instance_from(stored)
    empty = tmp_path / "empty.xlsx"
    from planner.outputs.spreadsheet import write_template

    write_template(empty)
    refused = client.post("/api/instances", content=empty.read_bytes())
    assert refused.status_code == 422 and refused.json()["problems"]
    assert len(client.get("/api/instances").json()) == 1


def load_instance_from(document: dict[str, Any]) -> Any:
    from planner.formats.read import parse_instance

    return parse_instance(json.dumps(document))


def test_the_page_and_a_plans_report_are_served(client: TestClient) -> None:
    page = client.get("/")
    assert page.status_code == 200 and "war room" in page.text
    assert "http://" not in page.text and "https://" not in page.text  # nothing from the network
    ident = client.post("/api/instances", content=ONE_TEAM.read_bytes()).json()["id"]
    run = client.post(f"/api/instances/{ident}/solve", json={"time_limit": 10, "workers": 1}).json()["run"]
    assert client.get(f"/api/runs/{run}/report").status_code == 404  # no plan yet
    plan = parse_plan(json.dumps(_wait(client, run, lambda b: b["status"] == "done")["plan"]))
    assert verify(load_instance(ONE_TEAM), plan).ok and plan.objective.value == 380
    report = client.get(f"/api/runs/{run}/report")
    assert report.status_code == 200 and 'id="section-restarts"' in report.text


CHROMIUM = Path("/usr/bin/chromium")


def test_the_page_loads_an_instance_solves_it_and_shows_the_plan_in_chromium(tmp_path: Path) -> None:
    """In a real browser: upload, solve with live progress, the plan's Gantt; no console errors."""
    import shutil
    import socket
    import threading

    if not CHROMIUM.exists() and shutil.which("chromium") is None:
        pytest.skip("Chromium is not installed (Debian: apt-get install chromium)")
    playwright = pytest.importorskip("playwright.sync_api")
    uvicorn = pytest.importorskip("uvicorn")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(
            create_app(Store.open(_url(tmp_path))), host="127.0.0.1", port=port, log_level="warning"
        )
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    errors: list[str] = []
    try:
        deadline = time.monotonic() + 30
        while not server.started and time.monotonic() < deadline:
            time.sleep(0.05)
        with playwright.sync_playwright() as driver:
            executable = str(CHROMIUM) if CHROMIUM.exists() else shutil.which("chromium")
            browser = driver.chromium.launch(executable_path=executable, headless=True, args=["--no-sandbox"])
            try:
                page = browser.new_page(viewport={"width": 1250, "height": 900})
                page.on("pageerror", lambda error: errors.append(str(error)))
                page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
                page.goto(f"http://127.0.0.1:{port}/")
                page.set_input_files("#file", str(ONE_TEAM))
                page.click("#upload-button")
                page.wait_for_function("document.querySelector('#instance').options.length === 1")
                lines = len(load_instance(ONE_TEAM).lines)
                page.wait_for_function("document.getElementById('glance').textContent.includes('lines')")
                assert f"{lines} lines" in page.locator("#glance").inner_text()
                page.fill("#time-limit", "10")
                page.click("#solve-button")
                page.wait_for_function(
                    "document.getElementById('status').textContent === 'done'", timeout=60_000
                )
                assert page.locator("#progress tbody tr").count() >= 1
                assert "380 (proven bound 380)" in page.locator("#plan-note").inner_text()
                shown = page.request.get(f"http://127.0.0.1:{port}/api/runs/1").json()["plan"]
                assert verify(load_instance(ONE_TEAM), parse_plan(json.dumps(shown))).ok
                for link in ("#download-plan", "#download-workbook", "#download-report"):
                    href = page.get_attribute(link, "href")
                    assert href is not None and page.request.get(f"http://127.0.0.1:{port}{href}").ok, link
                report = page.frame_locator("#report")
                report.locator("#restarts svg.marks").wait_for(timeout=60_000)
                assert report.locator("#restarts svg.marks rect, #restarts svg.marks path").count() > 0
                # Plans side by side: the finished solve against itself, every line there.
                assert page.locator("#compare tbody tr").count() == lines
                # A what-if: one more team, its saving with the proven range.
                team = load_instance(ONE_TEAM).resources[0].id
                page.select_option("#lever", f"resources.{team}.capacity=+1")  # picked, not typed
                page.click("#lever-add")
                assert page.input_value("#changes") == f"resources.{team}.capacity=+1"
                page.fill("#whatif-time", "20")
                page.click("#whatif-button")
                page.locator("#whatif-table tbody tr").first.wait_for(timeout=60_000)
                cells = page.locator("#whatif-table tbody tr").first.locator("td").all_inner_texts()
                assert cells[0] == f"resources.{team}.capacity=+1" and cells[4] == "yes", cells
                assert cells[6], cells  # the restart days that move, or "none"
                # Re-plan from day 1, the old plan kept before it, with one more team from then on.
                page.fill("#today", "1")
                page.fill("#replan-changes", f"resources.{team}.capacity=+1")
                page.fill("#replan-time", "10")
                page.click("#replan-button")
                page.wait_for_function(
                    "document.getElementById('run').textContent.includes('re-plan')"
                    " && document.getElementById('status').textContent === 'done'",
                    timeout=60_000,
                )
                assert page.locator("#left option").count() == 2  # both plans, to put side by side
                page.screenshot(path=str(tmp_path / "war-room.png"), full_page=True)
            finally:
                browser.close()
    finally:
        server.should_exit = True
        thread.join(timeout=30)
    assert errors == []


def test_a_whatif_run_returns_the_comparison_with_its_proven_range(client: TestClient) -> None:
    ident = client.post("/api/instances", content=ONE_TEAM.read_bytes()).json()["id"]
    bad = client.post(f"/api/instances/{ident}/whatif", json={"changes": ["resources.nobody.capacity=+1"]})
    assert bad.status_code == 422 and "nobody" in bad.json()["problems"][0]
    team = load_instance(ONE_TEAM).resources[0].id
    run = client.post(
        f"/api/instances/{ident}/whatif",
        json={"changes": [f"resources.{team}.capacity=+1"], "time_limit": 20, "workers": 1},
    ).json()["run"]
    body = _wait(client, run, lambda b: b["status"] not in ("queued", "running"))
    assert body["status"] == "done", body
    (scenario,) = body["result"]["scenarios"]
    assert body["result"]["base"]["lost_value"] == 380
    assert (
        scenario["least_saving"] <= scenario["delta_value"] <= scenario["most_saving"] or scenario["settled"]
    )


def test_the_database_is_migrated_from_its_first_revision(tmp_path: Path) -> None:
    from alembic import command
    from alembic.config import Config
    from sqlalchemy import create_engine, inspect

    from planner.web.store import MIGRATIONS

    engine = create_engine(_url(tmp_path))
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0001")
    assert "result" not in {c["name"] for c in inspect(engine).get_columns("runs")}
    Store.open(_url(tmp_path))  # a server of today starts on yesterday's database
    assert "result" in {c["name"] for c in inspect(create_engine(_url(tmp_path))).get_columns("runs")}


def test_serve_refuses_a_bad_instance_before_it_starts(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from planner.cli.commands import main

    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "restart-instance/1"}')
    result = CliRunner().invoke(main, ["serve", "--data", str(tmp_path / "data"), "--open", str(bad)])
    assert result.exit_code == 2 and "missing field" in result.output
    assert not (tmp_path / "data").exists()


def test_a_runs_events_stream_its_progress_then_its_end(client: TestClient) -> None:
    ident = client.post("/api/instances", content=ONE_TEAM.read_bytes()).json()["id"]
    run = client.post(f"/api/instances/{ident}/solve", json={"time_limit": 10, "workers": 1}).json()["run"]
    with client.stream("GET", f"/api/runs/{run}/events") as response:
        assert response.headers["content-type"].startswith("text/event-stream")
        text = "".join(response.iter_text())
    events = [block.split("\n") for block in text.strip().split("\n\n")]
    kinds = [lines[0].removeprefix("event: ") for lines in events]
    assert kinds[-1] == "end" and set(kinds[:-1]) <= {"progress"} and "progress" in kinds
    end = json.loads(events[-1][1].removeprefix("data: "))
    assert end["status"] == "done" and end["plan"]["objective"]["value"] == 380
    assert verify(load_instance(ONE_TEAM), parse_plan(json.dumps(end["plan"]))).ok
    assert client.get("/api/runs/999/events").status_code == 404


def test_a_replan_run_keeps_the_past_and_its_plan_is_of_the_changed_instance(client: TestClient) -> None:
    ident = client.post("/api/instances", content=ONE_TEAM.read_bytes()).json()["id"]
    solved = client.post(f"/api/instances/{ident}/solve", json={"time_limit": 10, "workers": 1}).json()["run"]
    old = _wait(client, solved, lambda b: b["status"] == "done")["plan"]
    team = load_instance(ONE_TEAM).resources[0].id
    request = {"plan_run": solved, "today": 1, "changes": [f"resources.{team}.capacity=+1"], "time_limit": 10}
    assert client.post(f"/api/instances/{ident}/replan", json=request | {"today": 10**6}).status_code == 422
    assert client.post(f"/api/instances/{ident}/replan", json=request | {"plan_run": 999}).status_code == 404
    run = client.post(f"/api/instances/{ident}/replan", json=request | {"workers": 1}).json()["run"]
    body = _wait(client, run, lambda b: b["status"] not in ("queued", "running"))
    assert body["status"] == "done", body
    changed = client.get(f"/api/instances/{body['result']['instance']}").json()["instance"]
    # A new capacity applies from today on; the days before keep what the old plan was made with.
    before = load_instance(ONE_TEAM).resources[0].capacity
    assert changed["resources"][0]["capacity"] == before
    assert changed["resources"][0]["capacity_changes"] == [{"day": 1, "capacity": before + 1}]
    plan = parse_plan(json.dumps(body["plan"]))
    assert verify(load_instance_from(changed), plan).ok
    assert plan.objective.value <= old["objective"]["value"]  # one more team from day 1: never worse
    assert client.get(f"/api/runs/{run}/report").status_code == 200


def test_an_explain_run_gives_the_causes_and_the_plan_downloads(client: TestClient) -> None:
    ident = client.post("/api/instances", content=ONE_TEAM.read_bytes()).json()["id"]
    solved = client.post(f"/api/instances/{ident}/solve", json={"time_limit": 10, "workers": 1}).json()["run"]
    _wait(client, solved, lambda b: b["status"] == "done")
    download = client.get(f"/api/runs/{solved}/plan.json")
    assert download.headers["content-disposition"] == f'attachment; filename="plan-{solved}.json"'
    assert verify(load_instance(ONE_TEAM), parse_plan(download.text)).ok
    assert client.post(f"/api/instances/{ident}/explain", json={"plan_run": 999}).status_code == 404
    run = client.post(
        f"/api/instances/{ident}/explain", json={"plan_run": solved, "time_limit": 10, "workers": 1}
    ).json()["run"]
    body = _wait(client, run, lambda b: b["status"] not in ("queued", "running"))
    assert body["status"] == "done", body
    explained = body["result"]
    assert explained["objective"]["value"] == 380
    assert {e["id"] for e in explained["lines"]} == {line.id for line in load_instance(ONE_TEAM).lines}


def test_the_workbook_and_the_report_of_a_plan_download(client: TestClient, tmp_path: Path) -> None:
    pytest.importorskip("openpyxl")
    from openpyxl import load_workbook

    from planner.outputs.spreadsheet import read_workbook

    ident = client.post("/api/instances", content=ONE_TEAM.read_bytes()).json()["id"]
    assert client.get("/api/runs/999/workbook.xlsx").status_code == 404
    run = client.post(f"/api/instances/{ident}/solve", json={"time_limit": 10, "workers": 1}).json()["run"]
    plan = _wait(client, run, lambda b: b["status"] == "done")["plan"]
    assert verify(load_instance(ONE_TEAM), parse_plan(json.dumps(plan))).ok
    assert plan["objective"]["value"] == 380
    book = client.get(f"/api/runs/{run}/workbook.xlsx")
    assert book.status_code == 200
    assert book.headers["content-disposition"] == f'attachment; filename="plan-{run}.xlsx"'
    path = tmp_path / "downloaded.xlsx"
    path.write_bytes(book.content)
    assert read_workbook(path) == load_instance(ONE_TEAM)  # the instance's sheets read back as they were
    rows = list(load_workbook(path, read_only=True)["restarts"].iter_rows(values_only=True))
    at = rows[0].index("restart_day")
    days = {row[0]: row[at] for row in rows[1:]}
    assert days == {line["id"]: line["restart_day"] for line in plan["lines"]}
    report = client.get(f"/api/runs/{run}/report", params={"download": "true"})
    assert report.headers["content-disposition"] == f'attachment; filename="report-{run}.html"'
    assert 'id="section-restarts"' in report.text


def test_the_openapi_pages_need_no_network(client: TestClient) -> None:
    for url in ("/docs", "/redoc"):
        page = client.get(url)
        assert page.status_code == 200
        assert "http://" not in page.text and "https://" not in page.text, url
        scripts = [part.split('"')[0] for part in page.text.split('src="')[1:]]
        assert scripts and all(client.get(src).status_code == 200 for src in scripts), scripts
    assert "/api/instances/{instance_id}/solve" in client.get("/openapi.json").json()["paths"]


def test_an_instance_comes_with_its_glance_and_its_levers(client: TestClient) -> None:
    from planner.decisions.whatif import marginal_scenarios

    ident = client.post("/api/instances", content=JLR.read_bytes()).json()["id"]
    body = client.get(f"/api/instances/{ident}").json()
    jlr = load_instance(JLR)
    glance = body["glance"]
    assert (glance["lines"], glance["systems"], glance["plants"]) == (
        len(jlr.lines),
        len(jlr.systems),
        len(jlr.plants),
    )
    assert glance["affixes"] == ["£", ""] and glance["scale"] == 100  # JLR-2025's values are in £100
    assert body["levers"] == [str(s.changes[0]) for s in marginal_scenarios(jlr)]
    assert "resources.forensic-it.capacity=+1" in body["levers"]


def _serve(data: Path, port: int) -> Any:
    """`restart-planner serve` as a user starts it, in a process group of its own (its solver child too)."""
    import subprocess
    import sys
    import urllib.request

    server = subprocess.Popen(
        [sys.executable, "-m", "planner", "serve", "--port", str(port), "--data", str(data)],
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/health", timeout=1) as answer:
                if json.load(answer) == {"status": "ok"}:
                    return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise AssertionError("the server did not come up in 60 s")


def _http(port: int, method: str, path: str, body: bytes | None = None) -> Any:
    import urllib.request

    headers = {"Content-Type": "application/json"} if body is not None else {}
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", body, headers, method=method)
    with urllib.request.urlopen(request, timeout=10) as answer:
        return json.load(answer)


def _running(port: int, run: int) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        body = _http(port, "GET", f"/api/runs/{run}")
        if body["status"] == "running" and body["progress"]:
            return
        time.sleep(0.2)
    raise AssertionError(f"run {run} was not running with progress in 60 s")


def test_a_real_server_stopped_or_killed_and_started_again_loses_nothing(tmp_path: Path) -> None:
    """Ctrl-C stops the run with its best plan; a kill leaves it to the next start to mark interrupted."""
    import os
    import signal
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    data = tmp_path / "data"
    solve = json.dumps({"time_limit": 60, "workers": 1}).encode()
    server = _serve(data, port)
    try:
        ident = _http(port, "POST", "/api/instances", JLR.read_bytes())["id"]
        stopped = _http(port, "POST", f"/api/instances/{ident}/solve", solve)["run"]
        _running(port, stopped)
        server.send_signal(signal.SIGINT)  # Ctrl-C: the running search is stopped, its plan kept
        assert server.wait(60) == 0
        server = _serve(data, port)
        assert [i["id"] for i in _http(port, "GET", "/api/instances")] == [ident]
        body = _http(port, "GET", f"/api/runs/{stopped}")
        assert body["status"] == "interrupted" and body["plan"] is not None
        plan = parse_plan(json.dumps(body["plan"]))
        assert verify(load_instance(JLR), plan).ok
        assert plan.objective.value is not None and plan.objective.value >= JLR_OPTIMUM
        killed = _http(port, "POST", f"/api/instances/{ident}/solve", solve)["run"]
        _running(port, killed)
        os.killpg(server.pid, signal.SIGKILL)  # no goodbye: the server and its solver child die at once
        server.wait(60)
        server = _serve(data, port)
        body = _http(port, "GET", f"/api/runs/{killed}")
        assert body["status"] == "interrupted" and "server stopped" in body["error"]
        assert _http(port, "GET", f"/api/runs/{stopped}")["plan"] is not None
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(server.pid, signal.SIGKILL)
        server.wait(60)
