"""A webhook receiver for bench/webhooks.py: counts the reports it is pushed, answers 200.

    python bench/receiver.py --port 8082
GET /count answers {"pushes": N, "reports": N, "unique": N}.
"""

from __future__ import annotations

import argparse
import json

from aiohttp import web

pushes_key = web.AppKey("pushes", list)
seen_key = web.AppKey("seen", set)


async def receive(request: web.Request) -> web.Response:
    results = json.loads(await request.read())["results"]
    request.app[pushes_key].append(len(results))
    request.app[seen_key].update(r["messageId"] for r in results)
    return web.Response(text="OK")


async def count(request: web.Request) -> web.Response:
    pushes = request.app[pushes_key]
    unique = len(request.app[seen_key])
    return web.json_response({"pushes": len(pushes), "reports": sum(pushes), "unique": unique})


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    app = web.Application()
    app[pushes_key] = []
    app[seen_key] = set()
    app.router.add_post("/dlr", receive)
    app.router.add_get("/count", count)
    web.run_app(app, host="127.0.0.1", port=args.port, access_log=None, print=None)


if __name__ == "__main__":
    main()
