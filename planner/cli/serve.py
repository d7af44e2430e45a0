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
@click.option(
    "--open",
    "open_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Load this instance (unless it is there already) and open the page in a browser.",
)
@user_errors
def serve(host: str, port: int, data_dir: Path, database: str | None, open_path: Path | None) -> None:
    """Start the war room: its page at /, and the HTTP API (OpenAPI at /docs) over its database."""
    try:
        import uvicorn

        from planner.web.app import create_app
        from planner.web.store import Store
    except ImportError as err:
        raise PlannerError(f"serve needs the web extra: pip install 'restart-planner[web]' ({err})") from None
    text = None
    if open_path is not None:
        from planner.formats.read import load_instance

        instance = load_instance(open_path)  # a bad file: exit 2 before anything starts
        text = open_path.read_text(encoding="utf-8")
    if database is None:
        data_dir.mkdir(parents=True, exist_ok=True)
        database = f"sqlite:///{(data_dir / 'restart-planner.db').resolve()}"
    store = Store.open(database)
    if text is not None and not any(row.text == text for row in store.instances()):
        store.add_instance(instance.name, text)
    url = f"http://{host}:{port}/"
    click.echo(f"restart-planner: the war room is on {url} (data: {database}); Ctrl-C stops it", err=True)
    if open_path is not None:
        import threading
        import webbrowser

        threading.Timer(1.0, webbrowser.open, args=(url,)).start()  # once the server listens
    uvicorn.run(create_app(store), host=host, port=port, log_level="warning")
