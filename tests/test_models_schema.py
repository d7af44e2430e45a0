"""The JSON Schemas checked in under models/ are what the code generates."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from planner.formats.schema import json_schemas

MODELS = Path(__file__).resolve().parents[1] / "models"


@pytest.mark.parametrize("name", sorted(json_schemas()))
def test_checked_in_schema_matches_the_code(name: str) -> None:
    checked_in = json.loads((MODELS / name).read_text())
    assert checked_in == json_schemas()[name], f"models/{name} drifted: run `restart-planner schema`"
