"""`restart-planner serve`: the war room's web app on this machine (the `web` extra).

Registered by planner/cli/commands.py. The data (SQLite) goes in `--data`,
or any SQLAlchemy URL given with `--database`; the schema is created on the
first start and migrated by Alembic on every start.
"""

from __future__ import annotations

from pathlib import Path

import click

from planner.cli.errors import user_errors
from planner.errors import PlannerError


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="The address to listen on.")
@click.option("--port", type=click.IntRange(min=1, max=65535), default=8765, show_default=True)
@click.option(
    "--data",
    "data_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("restart-planner-data"),
    show_default=True,
    help="The folder of the SQLite database.",
)
@click.option("--database", default=None, help="A SQLAlchemy URL instead (postgresql://...).")
@user_errors
def serve(host: str, port: int, data_dir: Path, database: str | None) -> None:
    """Start the war room: the HTTP API (OpenAPI page at /docs) over a database of instances and runs."""
    try:
        import uvicorn

        from planner.web.app import create_app
        from planner.web.store import Store
    except ImportError as err:
        raise PlannerError(f"serve needs the web extra: pip install 'restart-planner[web]' ({err})") from None
    if database is None:
        data_dir.mkdir(parents=True, exist_ok=True)
        database = f"sqlite:///{(data_dir / 'restart-planner.db').resolve()}"
    store = Store.open(database)
    click.echo(f"restart-planner: serving on http://{host}:{port} (data: {database})", err=True)
    uvicorn.run(create_app(store), host=host, port=port, log_level="warning")
