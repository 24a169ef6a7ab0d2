"""The floor: a bare aiohttp app that parses the JSON body and answers a fixed v3-shaped body.

Whatever the simulator does per request costs on top of this, so its throughput is measured
against this one in the same run on the same core.

    python bench/floor_server.py --port 8081
"""

from __future__ import annotations

import argparse

from aiohttp import web

BODY = (
    b'{"bulkId":"2034072219640523072","messages":[{"messageId":"2250be2d4219-3af1-78856-aabe",'
    b'"status":{"groupId":1,"groupName":"PENDING","id":26,"name":"PENDING_ACCEPTED",'
    b'"description":"Message sent to next instance"},"destination":"41793026727",'
    b'"details":{"messageCount":1}}]}'
)


async def send(request: web.Request) -> web.Response:
    await request.json()
    return web.Response(body=BODY, content_type="application/json")


def create_app() -> web.Application:
    app = web.Application()
    app.router.add_post("/sms/3/messages", send)
    return app


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8081)
    args = parser.parse_args()
    web.run_app(create_app(), host=args.host, port=args.port, access_log=None, print=None)


if __name__ == "__main__":
    main()
