"""Push bodies: delivery reports as JSON or XML, in the shape of the API that sent the message.

Messages sent through v3 get ``DeliveryReports``; v1/v2 sends get ``SMSReportResponse``
(XML root ``reportResponse``), as Infobip's official webhook definitions say.
"""

from __future__ import annotations

import json
from typing import Any
from xml.etree import ElementTree

from pydantic import BaseModel

from ..api.models.reports import DeliveryReportsV1, DeliveryReportsV3
from ..api.render import report_v1, report_v3
from ..domain.carrier import Carrier
from ..domain.messages import ApiFamily
from ..domain.reports import Report

XML = "application/xml"
_ROOTS: dict[ApiFamily, str] = {"v3": "DeliveryReports", "v2": "reportResponse"}


def report_body(
    reports: list[Report], family: ApiFamily, content_type: str, carrier: Carrier
) -> bytes:
    """The body of one push of ``reports`` (all of one API family)."""
    model: BaseModel
    if family == "v3":
        model = DeliveryReportsV3(results=[report_v3(r, carrier) for r in reports])
    else:
        model = DeliveryReportsV1(results=[report_v1(r, carrier) for r in reports])
    if content_type == XML:
        return to_xml(
            _ROOTS[family], model.model_dump(mode="json", by_alias=True, exclude_none=True)
        )
    return model.model_dump_json(by_alias=True, exclude_none=True).encode()


def to_xml(root: str, data: dict[str, Any]) -> bytes:
    """Infobip's XML: one element per field; a list ``results`` holds ``result`` items."""
    element = ElementTree.Element(root)
    _fill(element, data)
    return b'<?xml version="1.0" encoding="UTF-8"?>' + ElementTree.tostring(element)


def _fill(parent: ElementTree.Element, value: Any) -> None:
    if isinstance(value, dict):
        for key, item in value.items():
            _fill(ElementTree.SubElement(parent, key), item)
    elif isinstance(value, list):
        singular = parent.tag[:-1] if parent.tag.endswith("s") else parent.tag
        for item in value:
            _fill(ElementTree.SubElement(parent, singular), item)
    elif isinstance(value, bool):
        parent.text = "true" if value else "false"
    else:
        parent.text = json.dumps(value) if isinstance(value, float) else str(value)
