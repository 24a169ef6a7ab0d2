"""Where the page lives: ``/`` and ``/ui/*`` (static, no key needed: the page asks for one and
sends it like any client), the live stream, the catcher's hook list and the API docs page under
``/simulator/``."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from aiohttp import web

from ..api.models.common import Wire
from ..api.responses import wire_response
from ..control.catcher import catcher_key
from .live import Streams, events, streams_key

STATIC = Path(str(resources.files("simulator.ui").joinpath("static")))
_FILES = frozenset(path.name for path in STATIC.iterdir() if path.is_file())


class HookSummary(Wire):
    name: str
    count: int
    last_received_at: str | None = None


class HookList(Wire):
    results: list[HookSummary]


async def index(request: web.Request) -> web.FileResponse:
    return web.FileResponse(STATIC / "index.html")


async def static_file(request: web.Request) -> web.FileResponse:
    """``/ui/{filename}``: one of the page's files. Anything else is a 404 raised here, so it
    gets the JSON error body (aiohttp's static route answers an empty octet-stream 404)."""
    name = request.match_info["filename"]
    if name not in _FILES:
        raise web.HTTPNotFound()
    return web.FileResponse(STATIC / name)


async def docs(request: web.Request) -> web.FileResponse:
    """The OpenAPI document (``/simulator/openapi.json``), rendered."""
    return web.FileResponse(STATIC / "api.html")


async def list_hooks(request: web.Request) -> web.Response:
    """Every hook of the built-in catcher that received something, by name."""
    hooks = request.config_dict[catcher_key].hooks
    summaries = [
        HookSummary(
            name=name,
            count=len(hook.caught),
            last_received_at=hook.caught[-1].received_at if hook.caught else None,
        )
        for name, hook in sorted(hooks.items())
    ]
    return wire_response(HookList(results=summaries))


def setup_ui(app: web.Application) -> None:
    app.router.add_get("/", index)
    app.router.add_get("/ui/{filename}", static_file)
    app[streams_key] = Streams()
    app.on_shutdown.append(app[streams_key].close_all)


def setup_live_routes(control: web.Application) -> None:
    control.router.add_get("/events", events)
    control.router.add_get("/catcher", list_hooks)
    control.router.add_get("/docs", docs)
