"""``POST /sms/1/preview``: how a text travels, unmodified and with each requested option."""

from __future__ import annotations

from aiohttp import web

from ..domain.preview import Preview, previews
from .models.preview import (
    PreviewBody,
    PreviewConfiguration,
    PreviewLanguage,
    PreviewRequest,
    PreviewResponse,
)
from .request import read_json
from .responses import wire_response


def preview_body(preview: Preview) -> PreviewBody:
    language = preview.language
    return PreviewBody(
        text_preview=preview.text,
        message_count=preview.segmentation.parts,
        characters_remaining=preview.segmentation.characters_remaining,
        configuration=PreviewConfiguration(
            language=PreviewLanguage(language_code=language) if language else None,
            transliteration=preview.transliteration,
        ),
    )


async def preview(request: web.Request) -> web.Response:
    body = await read_json(request, PreviewRequest)
    found = previews(body.text, body.language_code, body.transliteration)
    response = PreviewResponse(original_text=body.text, previews=[preview_body(p) for p in found])
    return wire_response(response)
