"""``GET /locate?q=``: a postcode, "lat,lon" (latitude first) or UK place name -> its areas.

Public, read-only; the body is exactly ``dicm locate --json``'s (one use case builds both).
Refusals are problem+json: ``empty-query``, ``invalid-postcode``, ``unknown-postcode``,
``unknown-place``, ``ambiguous-place`` (409, with the ``candidates``), ``swapped-coordinates``,
``invalid-coordinates``, ``outside-uk``.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from api.deps import SettingsDep, StoreDep
from api.schemas.common import PROBLEM_RESPONSES
from api.schemas.locate import LocationBody
from services.locate import locate_for

router = APIRouter(tags=["geography"], responses=PROBLEM_RESPONSES)
QueryText = Annotated[
    str,
    Query(
        max_length=200,
        description='A postcode ("RG1 1AF"), "lat,lon" ("51.454,-0.973") or a UK place name '
        '("Reading", "Newport, Isle of Wight")',
    ),
]


@router.get("/locate", response_model=LocationBody)
def get_locate(settings: SettingsDep, store: StoreDep, q: QueryText = "") -> dict[str, Any]:
    """Locate a postcode, point or place: local authority, territory, region and H3 cell."""
    return locate_for(settings.services, q, store=store).to_dict()
