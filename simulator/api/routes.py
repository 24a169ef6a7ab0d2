"""The Infobip surface: every path the simulator answers like Infobip does."""

from __future__ import annotations

from aiohttp import web

from . import bulks, conversion, inbound, logs, preview, reports, sending

PUBLIC_PATHS = frozenset({"/sms/1/text/query"})
"""Infobip paths that authenticate in their own way (query-string credentials)."""


def setup_routes(app: web.Application) -> None:
    add = app.router
    add.add_post("/sms/3/messages", sending.send_v3)
    add.add_get("/sms/3/text/query", sending.send_query_v3)
    add.add_post("/sms/2/text/advanced", sending.send_text_v2)
    add.add_post("/sms/2/binary/advanced", sending.send_binary_v2)
    add.add_get("/sms/1/text/query", sending.send_query_v1)
    add.add_post("/sms/1/text/single", sending.send_single)
    add.add_post("/sms/2/text/single", sending.send_single)
    add.add_post("/sms/1/text/multi", sending.send_multi)
    add.add_get("/sms/3/reports", reports.reports_v3)
    add.add_get("/sms/1/reports", reports.reports_v1)
    add.add_get("/sms/3/logs", logs.logs_v3)
    add.add_get("/sms/1/logs", logs.logs_v1)
    add.add_get("/sms/1/bulks", bulks.get_bulk)
    add.add_put("/sms/1/bulks", bulks.reschedule_bulk)
    add.add_get("/sms/1/bulks/status", bulks.get_bulk_status)
    add.add_put("/sms/1/bulks/status", bulks.update_bulk_status)
    add.add_get("/sms/1/inbox/reports", inbound.inbox_reports)
    add.add_post("/sms/1/preview", preview.preview)
    add.add_post("/ct/1/log/end/{message_id}", conversion.log_end)
