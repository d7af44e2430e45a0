"""Mutated instance files for the fuzz tests: what a hostile tester or a careless editor writes.

`mutants(seeds, count, rng_seed)` yields `count` file texts (bytes), each a
seed file with one to three random mutations, deterministic in `rng_seed`.
The mutations are those that found real faults: a value replaced by one of
another type or at an extreme (NaN and Infinity literals, numbers near 2^63,
thousands of digits), a value wrapped in lists or objects up to thousands
deep, a key repeated, a field dropped or misspelt, an id pointing elsewhere,
a list emptied or an item repeated, and damage to the text itself (cut short,
a byte flipped, a BOM or a non-UTF-8 byte).
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from random import Random
from typing import Any

_EXTREMES: tuple[Any, ...] = (
    0,
    -1,
    1,
    7,
    3650,
    3651,
    10**9,
    10**9 + 1,
    2**31,
    2**53,
    2**63 - 1,
    2**63,
    -(2**63),
    1.5,
    10.0,
    -0.0,
    1e308,
    "",
    "3",
    "x" * 300,
    "hallewood",
    "a b",
    "<script>alert(1)</script>",
    "\u00e9\u4e2d\U0001f600",
    True,
    False,
    None,
    [],
    {},
    [1, 2],
    {"a": 1},
)
# Written into the text as they are: not JSON values Python's json module would write.
_LITERALS = ("NaN", "Infinity", "-Infinity", "1e400", "9" * 5000, "-" + "9" * 30, "0x10", "01")


def mutants(seeds: Sequence[bytes], count: int, rng_seed: int) -> Iterator[bytes]:
    """`count` mutated files, each of one of `seeds` (file texts), reproducible for `rng_seed`."""
    rng = Random(rng_seed)
    parsed = [json.loads(seed) for seed in seeds]
    for _ in range(count):
        k = rng.randrange(len(seeds))
        yield _mutate(rng, seeds[k], parsed[k])


def _mutate(rng: Random, text: bytes, tree: Any) -> bytes:
    tree = json.loads(json.dumps(tree))  # a fresh copy
    literal: str | None = None
    for _ in range(rng.randint(1, 3)):
        kind = rng.random()
        if kind < 0.35:
            _replace(rng, tree, rng.choice(_EXTREMES))
        elif kind < 0.45:
            depth = rng.choice((2, 10, 40, 200, 1000, 5000, 50_000))
            _wrap(rng, tree, depth)
        elif kind < 0.55:
            _drop_or_add_key(rng, tree)
        elif kind < 0.67:
            _swap_ids(rng, tree)
        elif kind < 0.77:
            _reshape_list(rng, tree)
        elif kind < 0.85:
            literal = rng.choice(_LITERALS)
            _replace(rng, tree, _MARK)
        else:
            return _damage(rng, _dump(tree).encode())
    out = _dump(tree)
    if literal is not None:
        out = out.replace(json.dumps(_MARK), literal, 1)
    if rng.random() < 0.08:
        out = _duplicate_key(rng, out)
    return out.encode()


_MARK = "\u0000literal\u0000"


def _dump(tree: Any) -> str:
    """JSON text; a value too deep for `json.dumps` is written by hand."""
    try:
        return json.dumps(tree)
    except RecursionError:
        return _dump_deep(tree)


def _dump_deep(value: Any) -> str:
    parts: list[str] = []
    stack: list[Any] = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, _Text):
            parts.append(item)
        elif isinstance(item, list):
            stack.append(_Text("]"))
            for i, element in enumerate(reversed(item)):
                stack.append(element)
                if i < len(item) - 1:
                    stack.append(_Text(","))
            stack.append(_Text("["))
        elif isinstance(item, dict):
            stack.append(_Text("}"))
            entries = list(item.items())
            for i, (key, element) in enumerate(reversed(entries)):
                stack.append(element)
                stack.append(_Text(json.dumps(key) + ":"))
                if i < len(entries) - 1:
                    stack.append(_Text(","))
            stack.append(_Text("{"))
        else:
            parts.append(json.dumps(item))
    return "".join(parts)


class _Text(str):
    """A piece of JSON text already written (as opposed to a string value)."""


def _places(tree: Any) -> list[tuple[Any, Any]]:
    """Every (container, key or index) of the tree, the top level excluded."""
    found: list[tuple[Any, Any]] = []
    stack = [tree]
    while stack:
        node = stack.pop()
        items = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
        for key, value in items:
            found.append((node, key))
            if isinstance(value, dict | list) and len(found) < 5000:
                stack.append(value)
    return found


def _replace(rng: Random, tree: Any, value: Any) -> None:
    places = _places(tree)
    if places:
        node, key = rng.choice(places)
        node[key] = json.loads(json.dumps(value))


def _wrap(rng: Random, tree: Any, depth: int) -> None:
    places = _places(tree)
    if not places:
        return
    node, key = rng.choice(places)
    value = node[key]
    as_object = rng.random() < 0.3
    for _ in range(depth):
        value = {"k": value} if as_object else [value]
    node[key] = value


def _drop_or_add_key(rng: Random, tree: Any) -> None:
    objects = [tree, *(n[k] for n, k in _places(tree) if isinstance(n[k], dict))]
    node = rng.choice(objects)
    if node and rng.random() < 0.6:
        del node[rng.choice(list(node))]
    elif node:
        key = rng.choice(list(node))
        node[key[:-1] or "x"] = node.pop(key)  # misspelt
    else:
        node["extra"] = 1


def _swap_ids(rng: Random, tree: Any) -> None:
    strings = [(n, k) for n, k in _places(tree) if isinstance(n[k], str)]
    if len(strings) >= 2:
        (a, i), (b, j) = rng.sample(strings, 2)
        a[i] = b[j]


def _reshape_list(rng: Random, tree: Any) -> None:
    lists = [n[k] for n, k in _places(tree) if isinstance(n[k], list) and n[k]]
    if not lists:
        return
    target = rng.choice(lists)
    choice = rng.random()
    if choice < 0.3:
        target.clear()
    elif choice < 0.7:
        target.append(rng.choice(target))  # shared, not copied: it may be deep
    else:
        rng.shuffle(target)


def _duplicate_key(rng: Random, text: str) -> str:
    """Repeat one `"key": value` pair of a flat value inside its object."""
    starts = [i for i in range(len(text)) if text.startswith('": ', i)]
    if not starts:
        return text
    colon = rng.choice(starts)
    key_start = text.rfind('"', 0, colon)
    end = colon + 3
    while end < len(text) and text[end] not in ",}]":
        end += 1
    pair = text[key_start:end]
    if "{" in pair or "[" in pair or '"' not in pair[1:]:
        return text
    return text[:end] + ", " + pair + text[end:]


def _damage(rng: Random, text: bytes) -> bytes:
    choice = rng.random()
    if choice < 0.3:
        return text[: rng.randrange(len(text))]
    if choice < 0.6:
        i = rng.randrange(len(text))
        return text[:i] + bytes([rng.randrange(256)]) + text[i + 1 :]
    if choice < 0.8:
        return b"\xef\xbb\xbf" + text
    i = rng.randrange(len(text))
    return text[:i] + rng.choice((b"\xff", b"\x00", b"\\u0000", b"\xc3")) + text[i:]
