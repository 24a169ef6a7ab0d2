"""``POST /sms/1/preview`` shapes: ``PreviewRequest`` and ``PreviewResponse``."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from .common import Transliteration, Wire


class PreviewRequest(Wire):
    text: str
    language_code: Literal["TR", "ES", "PT", "AUTODETECT"] | None = None
    transliteration: Transliteration | None = None


class PreviewLanguage(Wire):
    language_code: str


class PreviewConfiguration(Wire):
    language: PreviewLanguage | None = None
    transliteration: str | None = None


class PreviewBody(Wire):
    text_preview: str
    message_count: int
    characters_remaining: int
    configuration: PreviewConfiguration = Field(default_factory=PreviewConfiguration)


class PreviewResponse(Wire):
    original_text: str
    previews: list[PreviewBody]
