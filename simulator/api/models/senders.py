"""The sender rule shared by every send model."""

from __future__ import annotations

ALPHANUMERIC_MAX = 11
NUMERIC_MAX = 16
SENDER_MIN = 3


def check_sender(value: str | None) -> str | None:
    """Numeric senders (digits, optional +) take 3-16 digits, alphanumeric ones 3-11 characters."""
    if value is None:
        return None
    digits = value[1:] if value.startswith("+") else value
    if digits.isdigit():
        if not SENDER_MIN <= len(digits) <= NUMERIC_MAX:
            raise ValueError(f"numeric sender must have {SENDER_MIN} to {NUMERIC_MAX} digits")
    elif not SENDER_MIN <= len(value) <= ALPHANUMERIC_MAX:
        raise ValueError(
            f"alphanumeric sender must have {SENDER_MIN} to {ALPHANUMERIC_MAX} characters"
        )
    return value
