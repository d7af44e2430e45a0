"""`python -m benchmarks SUITE...`: run suites with our methods and the peers, alternating."""

from __future__ import annotations

import importlib.util
import platform
import sys
from pathlib import Path

import click

from benchmarks.methods import METHODS, Row, Settings
from benchmarks.report import problems, write
from benchmarks.suites import SUITES


@click.command()
@click.argument("suites", nargs=-1, required=True, type=click.Choice(sorted(SUITES)))
@click.option(
    "--time-limit", type=float, default=10.0, show_default=True, help="Seconds per instance and method."
)
@click.option("--workers", type=int, default=2, show_default=True)
@click.option("--seed", type=int, default=0, show_default=True)
@click.option(
    "--methods",
    default="cpsat,greedy,pyjobshop",
    show_default=True,
    help="Comma-separated; pyjobshop runs on PSPLIB suites when installed (the bench extra).",
)
@click.option("--limit", type=int, default=None, help="At most this many instances a suite.")
@click.option("--every", type=int, default=1, show_default=True, help="Take every k-th instance (a sample).")
@click.option("--only", default="", help="Comma-separated instance names: run just these.")
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("benchmarks/results"),
    show_default=True,
)
def main(
    suites: tuple[str, ...],
    time_limit: float,
    workers: int,
    seed: int,
    methods: str,
    limit: int | None,
    every: int,
    only: str,
    out: Path,
) -> None:
    """Run SUITES and write a CSV and a markdown table for each."""
    wanted = [m.strip() for m in methods.split(",") if m.strip()]
    unknown = [m for m in wanted if m not in METHODS]
    if unknown:
        raise click.BadParameter(f"unknown method(s): {', '.join(unknown)}", param_hint="--methods")
    settings = Settings(time_limit, workers, seed)
    failures: list[str] = []
    for suite in suites:
        cases = SUITES[suite]()[::every][:limit]
        if only:
            chosen = set(only.split(","))
            cases = [case for case in cases if case.name in chosen]
        names = [m for m in wanted if _applies(m, suite)]
        rows: list[Row] = []
        for k, case in enumerate(cases):
            instance = case.load()
            # Alternate the order so that machine noise hits every method alike.
            order = names if k % 2 == 0 else names[::-1]
            for method in order:
                row = METHODS[method](case, instance, settings)
                rows.append(row)
                click.echo(
                    f"{suite} {case.name} {method}: {row.status} {row.objective} "
                    f"(best known {row.best_known}) in {row.time:.2f} s",
                    err=True,
                )
        proven = {(c.suite, c.name): c.best_known for c in cases if c.proven and c.best_known is not None}
        failures += problems(rows, proven)
        command = " ".join(["python -m benchmarks", *sys.argv[1:]])
        header = (
            f"## {suite}: {len(cases)} instances, {time_limit:g} s, {workers} workers, seed {seed}\n\n"
            f"`{command}` on {platform.machine()} ({_cores()} cores), Python {platform.python_version()}"
        )
        click.echo(write(rows, out, f"{suite}-{time_limit:g}s", header))
    if failures:
        click.echo("RESULTS THAT CANNOT BE RIGHT:\n" + "\n".join(failures), err=True)
        sys.exit(1)


def _applies(method: str, suite: str) -> bool:
    if method == "pyjobshop":
        return suite.startswith("psplib") and importlib.util.find_spec("pyjobshop") is not None
    return True


def _cores() -> int:
    import os

    return len(os.sched_getaffinity(0))
