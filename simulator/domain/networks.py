"""Which country and mobile network a destination number belongs to.

The calling code comes from libphonenumber's table (the ``phonenumbers`` package); the network
is the main operator of that country, from a small table of real MCC/MNC codes, so reports and
logs carry a plausible ``mccMnc``. Lookups are cached per calling code.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from phonenumbers.phonenumberutil import COUNTRY_CODE_TO_REGION_CODE

# ISO region -> (MCC, MNC) of a main operator in that country.
_MAIN_NETWORK: dict[str, tuple[str, str]] = {
    "AE": ("424", "02"), "AR": ("722", "310"), "AT": ("232", "01"), "AU": ("505", "01"),
    "BA": ("218", "90"), "BE": ("206", "01"), "BR": ("724", "05"), "CA": ("302", "720"),
    "CH": ("228", "01"), "CN": ("460", "00"), "CZ": ("230", "01"), "DE": ("262", "01"),
    "DK": ("238", "01"), "EG": ("602", "01"), "ES": ("214", "01"), "FI": ("244", "05"),
    "FR": ("208", "01"), "GB": ("234", "10"), "GH": ("620", "01"), "GR": ("202", "01"),
    "HR": ("219", "01"), "HU": ("216", "30"), "ID": ("510", "10"), "IE": ("272", "01"),
    "IL": ("425", "01"), "IN": ("404", "10"), "IS": ("274", "01"), "IT": ("222", "01"),
    "JP": ("440", "10"), "KE": ("639", "02"), "KR": ("450", "05"), "LU": ("270", "01"),
    "MX": ("334", "020"), "MY": ("502", "12"), "NG": ("621", "20"), "NL": ("204", "04"),
    "NO": ("242", "01"), "NZ": ("530", "01"), "PH": ("515", "02"), "PL": ("260", "02"),
    "PT": ("268", "01"), "RO": ("226", "01"), "RS": ("220", "01"), "RU": ("250", "01"),
    "SA": ("420", "01"), "SE": ("240", "01"), "SG": ("525", "01"), "SI": ("293", "41"),
    "TH": ("520", "03"), "TR": ("286", "01"), "TZ": ("640", "04"), "UA": ("255", "01"),
    "UG": ("641", "10"), "US": ("310", "260"), "VN": ("452", "01"), "ZA": ("655", "01"),
}  # fmt: skip


COUNTRY_NAMES: dict[str, str] = {
    "AE": "United Arab Emirates", "AR": "Argentina", "AT": "Austria", "AU": "Australia",
    "BA": "Bosnia and Herzegovina", "BE": "Belgium", "BR": "Brazil", "CA": "Canada",
    "CH": "Switzerland", "CN": "China", "CZ": "Czechia", "DE": "Germany", "DK": "Denmark",
    "EG": "Egypt", "ES": "Spain", "FI": "Finland", "FR": "France", "GB": "United Kingdom",
    "GH": "Ghana", "GR": "Greece", "HR": "Croatia", "HU": "Hungary", "ID": "Indonesia",
    "IE": "Ireland", "IL": "Israel", "IN": "India", "IS": "Iceland", "IT": "Italy", "JP": "Japan",
    "KE": "Kenya", "KR": "South Korea", "LU": "Luxembourg", "MX": "Mexico", "MY": "Malaysia",
    "NG": "Nigeria", "NL": "Netherlands", "NO": "Norway", "NZ": "New Zealand",
    "PH": "Philippines", "PL": "Poland", "PT": "Portugal", "RO": "Romania", "RS": "Serbia",
    "RU": "Russia", "SA": "Saudi Arabia", "SE": "Sweden", "SG": "Singapore", "SI": "Slovenia",
    "TH": "Thailand", "TR": "Turkey", "TZ": "Tanzania", "UA": "Ukraine", "UG": "Uganda",
    "US": "United States", "VN": "Vietnam", "ZA": "South Africa",
}  # fmt: skip
"""English names of the countries in the network table (for click locations)."""


@dataclass(frozen=True, slots=True)
class Network:
    """Where a number lives: ISO region, and the MCC/MNC of its network when known.

    ``mcc_mnc`` is joined once per network, not once per message: every message keeps it."""

    region: str
    mcc: str | None
    mnc: str | None
    mcc_mnc: str | None = field(init=False)

    def __post_init__(self) -> None:
        joined = f"{self.mcc}{self.mnc}" if self.mcc and self.mnc else None
        object.__setattr__(self, "mcc_mnc", joined)  # frozen: set once, here


UNKNOWN = Network("ZZ", None, None)


def network_of(number: str) -> Network:
    """The network of an international number given as digits (a leading + is ignored)."""
    digits = number.lstrip("+")
    for length in (1, 2, 3):
        network = _by_calling_code(digits[:length])
        if network is not None:
            return network
    return UNKNOWN


@lru_cache(maxsize=1024)
def _by_calling_code(prefix: str) -> Network | None:
    if not (prefix.isascii() and prefix.isdigit()):  # '²'.isdigit() is true
        return None
    regions = COUNTRY_CODE_TO_REGION_CODE.get(int(prefix))
    if not regions:
        return None
    region = regions[0]
    mcc, mnc = _MAIN_NETWORK.get(region, (None, None))
    return Network(region, mcc, mnc)
