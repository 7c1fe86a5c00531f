"""Which time zone a meeting in a country keeps, from the IANA tables (tzdata's zone.tab).

A country with one zone (United Kingdom: Europe/London) gives that zone; a country with
several (United States) gives its region's zone when that is one of them, else the zone
of its most populous area (the table's first line for that country). Without a country,
the region's zone.
"""

from functools import cache
from importlib import resources

from django.conf import settings


@cache
def zones_by_country() -> dict[str, tuple[str, ...]]:
    table = resources.files("tzdata.zoneinfo").joinpath("zone.tab").read_text(encoding="utf-8")
    zones: dict[str, list[str]] = {}
    for line in table.splitlines():
        if not line or line.startswith("#"):
            continue
        code, _coordinates, zone, *_comment = line.split("\t")
        zones.setdefault(code, []).append(zone)
    return {code: tuple(names) for code, names in zones.items()}


def default_time_zone(*, country: str = "", region=None) -> str:
    """The zone of a meeting held in `country` (an ISO code) of `region`."""
    zones = zones_by_country().get(str(country or "").upper(), ())
    region_zone = getattr(region, "time_zone", "") or ""
    if region_zone and region_zone in zones:
        return region_zone
    if zones:
        return zones[0]
    return region_zone or settings.TIME_ZONE
