"""How a push proves where it comes from: BASIC credentials or an HMAC signature of the body.

HMAC (our choice; Infobip does not document the header): the hex digest of the raw request body,
keyed with the security's ``secretKey``, sent as ``X-Infobip-Signature: <algorithm>=<hex>``,
for example ``X-Infobip-Signature: sha256=5d41402a…``. A receiver recomputes it over the bytes it
received and compares with ``hmac.compare_digest``. OAUTH and CUSTOM security is stored but not
applied to pushes.
"""

from __future__ import annotations

import base64
import hmac

SIGNATURE_HEADER = "X-Infobip-Signature"

HMAC_ALGORITHMS = {
    "HMAC_MD5": "md5",
    "HMAC_SHA_1": "sha1",
    "HMAC_SHA_224": "sha224",
    "HMAC_SHA_256": "sha256",
    "HMAC_SHA_384": "sha384",
    "HMAC_SHA_512": "sha512",
}


def basic_authorization(username: str, password: str) -> tuple[str, str]:
    token = base64.b64encode(f"{username}:{password}".encode()).decode()
    return ("Authorization", f"Basic {token}")


def hmac_signature(secret_key: str, algorithm: str, body: bytes) -> tuple[str, str]:
    """The signature header for ``body``; ``algorithm`` is an Infobip name such as HMAC_SHA_256."""
    digest_name = HMAC_ALGORITHMS[algorithm]
    digest = hmac.new(secret_key.encode(), body, digest_name).hexdigest()
    return (SIGNATURE_HEADER, f"{digest_name}={digest}")
