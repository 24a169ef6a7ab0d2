"""The Infobip status and error catalogue.

Status and error objects are always taken from here by name, so that ids, group ids and the
``permanent`` flag match the real platform (CONTRACT.md section 10).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum


class StatusGroup(IntEnum):
    """General status groups (``groupId`` / ``groupName``)."""

    ACCEPTED = 0
    PENDING = 1
    UNDELIVERABLE = 2
    DELIVERED = 3
    EXPIRED = 4
    REJECTED = 5


class ErrorGroup(IntEnum):
    """Error groups (``error.groupId`` / ``error.groupName``)."""

    OK = 0
    HANDSET_ERRORS = 1
    USER_ERRORS = 2
    OPERATOR_ERRORS = 3


@dataclass(frozen=True, slots=True)
class Status:
    """A message status as Infobip reports it."""

    id: int
    name: str
    group: StatusGroup
    description: str

    @property
    def is_final(self) -> bool:
        """Pending statuses and DELIVERED_TO_OPERATOR may still change; the rest are final."""
        return self.group is not StatusGroup.PENDING and self.name != "DELIVERED_TO_OPERATOR"

    @property
    def is_reportable(self) -> bool:
        """Final statuses and DELIVERED_TO_OPERATOR produce a delivery report."""
        return self.group is not StatusGroup.PENDING


@dataclass(frozen=True, slots=True)
class ErrorCode:
    """A delivery error as Infobip reports it."""

    id: int
    name: str
    group: ErrorGroup
    description: str
    permanent: bool


def _statuses(*rows: tuple[int, str, StatusGroup, str]) -> dict[str, Status]:
    return {name: Status(id_, name, group, text) for id_, name, group, text in rows}


def _errors(*rows: tuple[int, str, ErrorGroup, str, bool]) -> dict[str, ErrorCode]:
    return {name: ErrorCode(id_, name, group, text, perm) for id_, name, group, text, perm in rows}


_P, _U, _D, _E, _R = (
    StatusGroup.PENDING,
    StatusGroup.UNDELIVERABLE,
    StatusGroup.DELIVERED,
    StatusGroup.EXPIRED,
    StatusGroup.REJECTED,
)

STATUSES: dict[str, Status] = _statuses(
    (26, "PENDING_ACCEPTED", _P, "Message sent to next instance"),
    (7, "PENDING_ENROUTE", _P, "Message sent to next instance"),
    (3, "PENDING_WAITING_DELIVERY", _P, "Message sent, waiting for delivery report"),
    (4, "UNDELIVERABLE_REJECTED_OPERATOR", _U, "Message rejected by operator"),
    (9, "UNDELIVERABLE_NOT_DELIVERED", _U, "Message sent not delivered"),
    (31, "UNDELIVERABLE_NOT_SENT", _U, "Message not sent"),
    (2, "DELIVERED_TO_OPERATOR", _D, "Message delivered to operator"),
    (5, "DELIVERED_TO_HANDSET", _D, "Message delivered to handset"),
    (15, "EXPIRED_EXPIRED", _E, "Message expired"),
    (29, "EXPIRED_DLR_UNKNOWN", _E, "Message expired, delivery report unknown"),
    (6, "REJECTED_NETWORK", _R, "Network is forbidden"),
    (8, "REJECTED_PREFIX_MISSING", _R, "Number prefix missing"),
    (10, "REJECTED_DND", _R, "Destination on DND list"),
    (11, "REJECTED_SOURCE", _R, "Invalid source address"),
    (12, "REJECTED_NOT_ENOUGH_CREDITS", _R, "Not enough credits"),
    (13, "REJECTED_SENDER", _R, "Sender blocklisted"),
    (14, "REJECTED_DESTINATION_BLOCKLISTED", _R, "Destination blocklisted"),
    (17, "REJECTED_PREPAID_PACKAGE_EXPIRED", _R, "Prepaid package expired"),
    (18, "REJECTED_DESTINATION_NOT_REGISTERED", _R, "Destination not registered"),
    (19, "REJECTED_ROUTE_NOT_AVAILABLE", _R, "Route not available"),
    (20, "REJECTED_FLOODING_FILTER", _R, "Rejected by flooding filter"),
    (21, "REJECTED_SYSTEM_ERROR", _R, "System error"),
    (23, "REJECTED_DUPLICATE_MESSAGE_ID", _R, "Duplicate message ID"),
    (24, "REJECTED_INVALID_UDH", _R, "Invalid UDH"),
    (25, "REJECTED_MESSAGE_TOO_LONG", _R, "Message too long"),
    (51, "MISSING_TO", _R, "Missing destination"),
    (52, "REJECTED_DESTINATION", _R, "Invalid destination address"),
    (87, "SIGNALS_BLOCKED", _R, "Signals blocked"),
)

_H, _US, _O = ErrorGroup.HANDSET_ERRORS, ErrorGroup.USER_ERRORS, ErrorGroup.OPERATOR_ERRORS

ERRORS: dict[str, ErrorCode] = _errors(
    (0, "NO_ERROR", ErrorGroup.OK, "No Error", False),
    (1, "EC_UNKNOWN_SUBSCRIBER", _H, "Unknown subscriber", True),
    (2, "EC_UNKNOWN_BASE_STATION", _H, "Unknown base station", False),
    (5, "EC_UNIDENTIFIED_SUBSCRIBER", _H, "Unidentified subscriber", False),
    (6, "EC_ABSENT_SUBSCRIBER_SM", _H, "Absent subscriber", False),
    (7, "EC_UNKNOWN_EQUIPMENT", _H, "Unknown equipment", False),
    (8, "EC_ROAMING_NOT_ALLOWED", _H, "Roaming not allowed", False),
    (9, "EC_ILLEGAL_SUBSCRIBER", _H, "Illegal subscriber", True),
    (11, "EC_TELESERVICE_NOT_PROVISIONED", _H, "Teleservice not provisioned", True),
    (12, "EC_ILLEGAL_EQUIPMENT", _H, "Illegal equipment", True),
    (13, "EC_CALL_BARRED", _H, "Call barred", False),
    (21, "EC_FACILITY_NOT_SUPPORTED", _H, "Facility not supported", False),
    (27, "EC_ABSENT_SUBSCRIBER", _H, "Absent subscriber", False),
    (31, "EC_SUBSCRIBER_BUSY_FOR_MT_SMS", _H, "Subscriber busy for MT SMS", False),
    (32, "EC_SM_DELIVERY_FAILURE", _H, "SM delivery failure", False),
    (33, "EC_MESSAGE_WAITING_LIST_FULL", _H, "Message waiting list full", False),
    (34, "EC_SYSTEM_FAILURE", _H, "System failure", False),
    (35, "EC_DATA_MISSING", _H, "Data missing", False),
    (36, "EC_UNEXPECTED_DATA_VALUE", _H, "Unexpected data value", False),
    (255, "EC_UNKNOWN_ERROR", _H, "Unknown error", False),
    (256, "EC_SM_DF_MEMORYCAPACITYEXCEEDED", _H, "Memory capacity exceeded", False),
    (502, "EC_NO_RESPONSE", _H, "No response", False),
    (628, "EC_TEMPORARY_HANDSET_FAILURE", _H, "Temporary handset failure", True),
    (629, "EC_DEST_ADDRESS_UNABLE_TO_RECEIVE_SMS", _H, "Destination unable to receive SMS", True),
    (351, "EC_INVALID_DESTINATION_ADDRESS", _US, "Invalid destination address", False),
    (352, "EC_INVALID_REQUEST_DESTINATION", _US, "Invalid request destination", True),
    (355, "EC_MSG_TEXT_TOO_LONG", _US, "Message text too long", True),
    (368, "EC_INVALID_SOURCE_ADDRESS", _US, "Invalid source address", True),
    (603, "EC_CONTENT_BLOCKED", _US, "Content blocked", True),
    (607, "EC_REJECTED_SPAM_BY_OPERATOR", _US, "Rejected as spam by operator", True),
    (608, "EC_SIGNALS_BLOCKED", _US, "Signals blocked", False),
    (2052, "EC_BLACKLISTED_DESTINATIONADDRESS", _US, "Destination address blocklisted", True),
    (2053, "EC_BLACKLISTED_SENDERADDRESS", _US, "Sender address blocklisted", True),
    (4099, "EC_MONTHLY_LIMIT_REACHED", _US, "Monthly limit reached", True),
    (4100, "EC_MESSAGE_CANCELED", _US, "Message canceled", True),
    (4101, "EC_VALIDITY_EXPIRED", _US, "Validity period expired", True),
    (4103, "EC_DESTINATION_FLOODING", _US, "Destination flooding", True),
    (4104, "EC_DESTINATION_TXT_FLOODING", _US, "Destination text flooding", True),
    (10, "EC_BEARER_SERVICE_NOT_PROVISIONED", _O, "Bearer service not provisioned", True),
    (15, "EC_CUG_REJECT", _O, "CUG reject", False),
    (51, "EC_RESOURCE_LIMITATION", _O, "Resource limitation", True),
    (71, "EC_UNKNOWN_ALPHABET", _O, "Unknown alphabet", False),
    (345, "EC_OPERATOR_NOT_FOUND", _O, "Operator not found", True),
    (501, "EC_INVALID_RESPONSE_RECEIVED", _O, "Invalid response received", False),
)

NO_ERROR = ERRORS["NO_ERROR"]


def status(name: str) -> Status:
    """The catalogue status called ``name`` (KeyError names the unknown status)."""
    return STATUSES[name]


def error(name: str) -> ErrorCode:
    """The catalogue error called ``name``."""
    return ERRORS[name]
