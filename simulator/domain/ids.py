"""Identifiers in Infobip's formats, from one seeded generator so runs can be reproduced."""

from __future__ import annotations

import random


class IdGenerator:
    """Message ids (UUID-like, as v3 returns them) and numeric bulk ids (as v2 returns them)."""

    def __init__(self, seed: int | str | None = None) -> None:
        self._random = random.Random(seed)

    def message_id(self) -> str:
        h = self._random.getrandbits(128).to_bytes(16, "big").hex()  # cheaper than f"{n:032x}"
        return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"

    def bulk_id(self) -> str:
        return str(10**18 + self._random.getrandbits(63) % (9 * 10**18))
