"""Point -> local authority -> territory -> region, from whatever boundaries are stored.

Both adapters find the covering areas their own way (lowest code wins on a shared boundary) and
resolve the chain here, so they agree: the territory and region come from the local
authority's codes when it has them, else from the territory, else from the stored territory and
region geometries directly.
"""

from __future__ import annotations

from dataclasses import dataclass

from domain.model import AreaChain
from store.codec_rows import point_to_h3


@dataclass(frozen=True)
class Hits:
    """The codes found for one point; ``*_of_*`` are parent codes of the hit areas."""

    la: str | None
    la_territory: str | None
    la_region: str | None
    territory: str | None  # direct hit among territory geometries
    region: str | None  # direct hit among region geometries
    region_of_la_territory: str | None  # the region of the LA's territory
    region_of_territory: str | None  # the region of the directly hit territory


def resolve_chain(lon: float, lat: float, hits: Hits, h3_resolution: int) -> AreaChain:
    """The AreaChain a point's hits describe."""
    la, territory, region = chain_codes(hits)
    return AreaChain(
        lon=lon,
        lat=lat,
        local_authority_code=la,
        territory_code=territory,
        region_code=region,
        h3_cell=point_to_h3(lon, lat, h3_resolution),
    )


def chain_codes(hits: Hits) -> tuple[str | None, str | None, str | None]:
    """(local authority, territory, region) codes a point's hits describe: the territory and
    region from the local authority's codes when it has them, else from the territory, else
    from the direct hits."""
    territory = hits.la_territory or hits.territory
    if hits.la_territory:
        territory_region = hits.region_of_la_territory
    else:
        territory_region = hits.region_of_territory
    return hits.la, territory, hits.la_region or territory_region or hits.region
