"""The database behind the war room: instances, runs, their progress and plans (SQLAlchemy 2).

Every write is its own short transaction, so that the runner thread and the
request handlers never hold a lock for long (SQLite serialises writers).
The schema is Alembic's (`planner/web/migrations`): `Store.open` upgrades
the database to the newest revision before anything else, and marks every
run a previous server left queued or running as interrupted.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Float, ForeignKey, Integer, String, Text, create_engine, event, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, sessionmaker

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
RUN_STATUSES = ("queued", "running", "done", "failed", "interrupted")


class Base(DeclarativeBase):
    pass


class InstanceRow(Base):
    __tablename__ = "instances"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    created: Mapped[str] = mapped_column(String(40))
    text: Mapped[str] = mapped_column(Text)  # the restart-instance/1 file, as uploaded (validated)


class RunRow(Base):
    __tablename__ = "runs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("instances.id"))
    kind: Mapped[str] = mapped_column(String(20))  # "solve", "whatif", "replan" or "explain"
    status: Mapped[str] = mapped_column(String(20))
    params: Mapped[str] = mapped_column(Text)  # JSON: time_limit, workers
    created: Mapped[str] = mapped_column(String(40))
    plan: Mapped[str | None] = mapped_column(Text, nullable=True)  # restart-plan/1, checked by verify
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    result: Mapped[str | None] = mapped_column(
        Text, nullable=True
    )  # JSON: a what-if's, re-plan's, explanation


class ProgressRow(Base):
    __tablename__ = "progress"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("runs.id"), index=True)
    elapsed: Mapped[float] = mapped_column(Float)
    objective: Mapped[int | None] = mapped_column(Integer, nullable=True)
    bound: Mapped[int | None] = mapped_column(Integer, nullable=True)


@dataclass(frozen=True)
class Run:
    """A run as the API shows it."""

    id: int
    instance_id: int
    kind: str
    status: str
    params: dict[str, Any]
    created: str
    progress: list[dict[str, Any]]
    plan: dict[str, Any] | None
    error: str | None
    result: dict[str, Any] | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "instance": self.instance_id,
            "kind": self.kind,
            "status": self.status,
            "params": self.params,
            "created": self.created,
            "progress": self.progress,
            "plan": self.plan,
            "result": self.result,
            "error": self.error,
        }


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class Store:
    """The database: open it with `Store.open(url)`; every method is one transaction."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._sessions = sessionmaker(engine, expire_on_commit=False)

    @classmethod
    def open(cls, url: str) -> Store:
        """Connect, bring the schema to Alembic's head, and mark the runs a stopped server left behind."""
        engine = create_engine(url)
        if engine.dialect.name == "sqlite":
            event.listen(engine, "connect", _sqlite_pragmas)
        migrate(engine)
        store = cls(engine)
        store.interrupt_unfinished()
        return store

    @contextmanager
    def _session(self) -> Iterator[Session]:
        with self._sessions.begin() as session:
            yield session

    # -- instances --

    def add_instance(self, name: str, text: str) -> int:
        with self._session() as session:
            row = InstanceRow(name=name, created=_now(), text=text)
            session.add(row)
            session.flush()
            return row.id

    def instance(self, instance_id: int) -> InstanceRow | None:
        with self._session() as session:
            return session.get(InstanceRow, instance_id)

    def instances(self) -> list[InstanceRow]:
        with self._session() as session:
            return list(session.scalars(select(InstanceRow).order_by(InstanceRow.id)))

    # -- runs --

    def add_run(self, instance_id: int, kind: str, params: dict[str, Any]) -> int:
        with self._session() as session:
            row = RunRow(
                instance_id=instance_id, kind=kind, status="queued", params=json.dumps(params), created=_now()
            )
            session.add(row)
            session.flush()
            return row.id

    def next_queued(self) -> RunRow | None:
        with self._session() as session:
            query = select(RunRow).where(RunRow.status == "queued").order_by(RunRow.id).limit(1)
            return session.scalars(query).first()

    def set_status(
        self,
        run_id: int,
        status: str,
        *,
        plan: str | None = None,
        error: str | None = None,
        result: str | None = None,
    ) -> None:
        assert status in RUN_STATUSES
        with self._session() as session:
            row = session.get(RunRow, run_id)
            assert row is not None
            row.status = status
            if plan is not None:
                row.plan = plan
            if error is not None:
                row.error = error
            if result is not None:
                row.result = result

    def add_progress(self, run_id: int, elapsed: float, objective: int | None, bound: int | None) -> None:
        with self._session() as session:
            session.add(ProgressRow(run_id=run_id, elapsed=elapsed, objective=objective, bound=bound))

    def run(self, run_id: int) -> Run | None:
        with self._session() as session:
            row = session.get(RunRow, run_id)
            if row is None:
                return None
            steps = session.scalars(
                select(ProgressRow).where(ProgressRow.run_id == run_id).order_by(ProgressRow.id)
            )
            progress = [{"elapsed": p.elapsed, "objective": p.objective, "bound": p.bound} for p in steps]
            return Run(
                row.id,
                row.instance_id,
                row.kind,
                row.status,
                json.loads(row.params),
                row.created,
                progress,
                None if row.plan is None else json.loads(row.plan),
                row.error,
                None if row.result is None else json.loads(row.result),
            )

    def interrupt_unfinished(self) -> int:
        """Mark every queued or running run interrupted (at start: no run of ours is alive)."""
        with self._session() as session:
            result = session.execute(
                update(RunRow)
                .where(RunRow.status.in_(("queued", "running")))
                .values(status="interrupted", error="the server stopped before this run ended")
            )
            return int(result.rowcount or 0)  # type: ignore[attr-defined]


def migrate(engine: Engine) -> None:
    """Upgrade the database to the newest Alembic revision (creating it on first start)."""
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


def _sqlite_pragmas(connection: Any, record: Any) -> None:
    """Write-ahead logging (readers do not wait for the runner's writes) and foreign keys enforced."""
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()
