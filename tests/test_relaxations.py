"""The relaxed limits of `planner.problem.relaxations`: they only add plans, and never bind."""

from __future__ import annotations

import json

import pytest

from planner.formats.read import parse_instance
from planner.problem.data import ProblemData
from planner.problem.relaxations import (
    ample_capacity,
    ample_staff,
    ample_supply,
    raised_capacity,
    raised_staff,
    raised_supply,
)
from planner.search.greedy import greedy
from planner.verify import verify

from random_instances import random_instance


def _relaxed_documents(seed: int):
    """Each relaxation of the random instance `seed`, with the instance and its ample levels."""
    instance = random_instance(seed)
    data = ProblemData.from_instance(instance)
    document = instance.model_dump(mode="json", by_alias=True, exclude_unset=True)
    for q, _ in enumerate(data.resources):
        item = raised_capacity(document["resources"][q], ample_capacity(data, q))
        yield instance, ("resources", q, item)
    for p, plant in enumerate(data.plants):
        for pool in plant.staff:
            item = raised_staff(document["plants"][p], pool, ample_staff(data, p, pool))
            yield instance, ("plants", p, item)
    for m, _ in enumerate(data.materials):
        if document["materials"][m].get("supply") is not None:
            item = raised_supply(document["materials"][m], ample_supply(data, m))
            yield instance, ("materials", m, item)


def _with(instance, key: str, index: int, item: dict) -> dict:
    document = instance.model_dump(mode="json", by_alias=True, exclude_unset=True)
    document[key][index] = item
    return document


@pytest.mark.parametrize("seed", range(30))
def test_a_plan_of_the_instance_is_a_plan_of_every_relaxed_one(seed: int) -> None:
    plan = greedy(random_instance(seed))
    if plan is None or not plan.has_schedule:
        pytest.skip("the greedy finds no plan of this seed's instance")
    checked = 0
    for instance, (key, index, item) in _relaxed_documents(seed):
        assert verify(instance, plan).ok
        relaxed = parse_instance(json.dumps(_with(instance, key, index, item)))
        report = verify(relaxed, plan)
        assert report.ok, (key, index, report.violations[:3])
        checked += 1
    assert checked > 0


@pytest.mark.parametrize("seed", range(30))
def test_a_raised_limit_covers_its_ample_level_on_every_day(seed: int) -> None:
    for instance, (key, index, item) in _relaxed_documents(seed):
        relaxed = ProblemData.from_instance(parse_instance(json.dumps(_with(instance, key, index, item))))
        original = ProblemData.from_instance(instance)
        if key == "resources":
            level = ample_capacity(original, index)
            assert min(relaxed.resources[index].capacity) >= level
            assert min(relaxed.resources[index].capacity) >= max(original.resources[index].capacity)
        elif key == "plants":
            for pool, headcounts in relaxed.plants[index].staff.items():
                if headcounts != original.plants[index].staff[pool]:
                    assert min(headcounts) >= ample_staff(original, index, pool)
                    assert min(headcounts) >= max(original.plants[index].staff[pool])
        else:
            material = relaxed.materials[index]
            assert material.ordering_system is None and material.lead_days == 0
            assert min(material.supply) >= ample_supply(original, index)
