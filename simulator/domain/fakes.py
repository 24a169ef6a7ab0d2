"""Made-up inbound content (faker): numbers, sentences, and reply templates like
``"Thanks {first_name}"`` whose fields name faker providers."""

from __future__ import annotations

import string
from functools import cache

from faker import Faker

MOBILE_PREFIXES = ("4179", "4917", "4477", "3859", "3367", "3069", "3933", "3467")
"""Country code and mobile prefix of a few European networks: plausible international senders."""
NUMBER_DIGITS = 12


@cache
def _faker() -> Faker:
    """One instance (building it costs ~0.1 s); each call site seeds it before use."""
    return Faker()


def template_fields(template: str) -> list[str]:
    """The provider names a template uses; ValueError for a malformed one or an unknown name."""
    try:
        names = [name for _, name, _, _ in string.Formatter().parse(template) if name]
    except ValueError as exc:
        raise ValueError(f"malformed template: {exc}") from None
    unknown = [n for n in names if not n.isidentifier() or not hasattr(_faker(), n)]
    if unknown:
        raise ValueError(f"unknown faker field {unknown[0]!r} (use names like first_name, city)")
    return names


class Fakes:
    """A seeded source of made-up content: the same seed gives the same content in order."""

    def __init__(self, seed: int) -> None:
        self._faker = _faker()
        self._seed = seed
        self._draws = 0

    def _next(self) -> Faker:
        self._draws += 1
        self._faker.seed_instance(f"{self._seed}/{self._draws}")
        return self._faker

    def mobile_number(self) -> str:
        faker = self._next()
        prefix = faker.random_element(MOBILE_PREFIXES)
        return prefix + faker.numerify("#" * (NUMBER_DIGITS - len(prefix)))

    def sentence(self) -> str:
        text: str = self._next().sentence()
        return text

    def fill(self, template: str) -> str:
        """The template with each ``{provider}`` replaced by a value of that faker provider."""
        faker = self._next()
        values = {name: getattr(faker, name)() for name in template_fields(template)}
        return template.format(**values)
