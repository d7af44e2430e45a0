"""The war room: a local web app over the planner (`restart-planner serve`, the `web` extra).

`store.py` keeps instances, runs, their progress and plans in a database
(SQLAlchemy; SQLite by default, any SQLAlchemy URL with `--database`), its
schema created and migrated by Alembic (`migrations/`). `runs.py` executes
the runs one at a time, each in a child process running the planner's own
command line, so that a stop is the command's Ctrl-C (the best plan so far
is kept) and a crash or a memory blow-up stays in the child. `app.py` is
the HTTP API (FastAPI), documented by its generated OpenAPI page.
"""
