"""The simulator with one extra route, for bench/soak.py --probe: what holds the memory?

    python bench/memprobe.py <the simulator's usual options>   (run from the checkout)

Runs ``simulator.cli.main`` unchanged, except that the application gets
``GET /bench/objects[?collect=1]``, which answers:

- ``containers``: the length of every dict, list, set, deque or heap held by the objects in the
  application's state (``outbox._entries``, ``scheduler._heap`` ...), two levels deep (so per
  account dictionaries count their total);
- ``types``: the 60 most common types among the objects the garbage collector tracks, frozen
  ones (``gc.freeze``) included; ``frozen``: how many objects are frozen; ``rss``: VmRSS;
- with ``collect=1``, first a full collection of everything, frozen objects included (what the
  simulator's housekeeping does every ten minutes), then ``collected`` and ``rssAfterCollect``.

Bench code only: nothing in simulator/ knows about it.
"""

from __future__ import annotations

import gc
import os
import sys
from collections import Counter, deque
from collections.abc import Iterable
from pathlib import Path
from typing import Any

sys.path.insert(0, os.getcwd())  # the checkout being run, as with ``python -m simulator``

from aiohttp import web

from simulator import cli
from simulator.app import create_app
from simulator.settings import Settings

SIZED = (dict, list, set, frozenset, deque)


def rss() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    return 0


def attributes(value: Any) -> Iterable[tuple[str, Any]]:
    names: list[str] = list(getattr(value, "__dict__", {}))
    for klass in type(value).__mro__:
        names += [n for n in getattr(klass, "__slots__", ()) if isinstance(n, str)]
    for name in dict.fromkeys(names):
        if not name.startswith("__") and hasattr(value, name):
            yield name, getattr(value, name)


def size(value: Any) -> int:
    """Items in a container; for a dict of containers (per account), the items inside them."""
    total = len(value)
    if isinstance(value, dict) and value:
        inner = [v for v in value.values() if isinstance(v, SIZED)]
        if len(inner) == len(value):
            total = sum(len(v) for v in inner)
    return total


def is_object(value: Any) -> bool:
    return hasattr(value, "__dict__") or bool(getattr(type(value), "__slots__", ()))


def containers(app: web.Application) -> dict[str, int]:
    """Items per container, by path from the application's state; the objects inside a dict
    (one per account, say) are visited too, their containers added up under ``[*]``."""
    found: Counter[str] = Counter()
    seen: set[int] = set()

    def visit(name: str, value: Any, depth: int) -> None:
        if id(value) in seen or depth > 4 or (callable(value) and not is_object(value)):
            return
        seen.add(id(value))
        if isinstance(value, SIZED):
            found[name] += size(value)
            if isinstance(value, dict) and len(value) < 1000:
                for item in value.values():
                    if is_object(item) and not isinstance(item, SIZED):
                        visit(f"{name}[*]", item, depth + 1)
            return
        if is_object(value):
            for attribute, child in attributes(value):
                visit(f"{name}.{attribute}", child, depth + 1)

    for key, value in app.items():
        visit(getattr(key, "_name", str(key)).rpartition(".")[2], value, 0)
    return dict(found)


def type_counts(limit: int = 60) -> dict[str, int]:
    """The most common types among GC-tracked objects, frozen ones included."""
    frozen = gc.get_freeze_count()
    gc.unfreeze()  # get_objects() does not see the permanent generation
    counts = Counter(type(o).__qualname__ for o in gc.get_objects())
    if frozen:
        gc.freeze()  # as the simulator's housekeeping does every second anyway
    return dict(counts.most_common(limit))


def add_probe(app: web.Application) -> web.Application:
    async def objects(request: web.Request) -> web.Response:
        report: dict[str, Any] = {"frozen": gc.get_freeze_count(), "rss": rss()}
        if request.query.get("collect"):
            gc.unfreeze()
            report["collected"] = gc.collect()
            report["rssAfterCollect"] = rss()
        report["containers"] = containers(request.app)
        report["types"] = type_counts()
        return web.json_response(report)

    app.router.add_get("/bench/objects", objects)
    return app


def create_probed_app(settings: Settings) -> web.Application:
    return add_probe(create_app(settings))


def main() -> int:
    vars(cli)["create_app"] = create_probed_app  # what cli.serve() calls
    return cli.main()


if __name__ == "__main__":
    sys.exit(main())
