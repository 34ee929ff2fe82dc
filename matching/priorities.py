"""Priority alignment and delivery-area fit: how an activity serves the plan and the tender.

``priority`` (0..1) compares the activity's themes with
- the Police & Crime Plan of the activity's own territory (the PCC whose demand it reduces):
  the best matching priority's weight relative to the plan's heaviest priority, and
- the tender's priorities (theme codes): 1 when any activity theme is one of them.
With both a plan and tender priorities the value is their mean, with one it is that one, with
neither 0. Themes (``domain.vocabulary.THEMES``) come first; an activity without themes is
compared by TF-IDF cosine similarity of its text with the priorities' words instead, and only
a similarity of at least ``TEXT_THRESHOLD`` counts (below it the words share too little to say
anything; the explanation then says nothing about priorities either). A text match is a
suggestion, never a plan match: the explanation words it "may relate to ...".

``area_fit`` (0..1): 1 inside the tender's delivery area or one of its lots (boundary
included), 0.5 inside the tender's territory only, 0 elsewhere or without a tender.
``in_scope`` is the hard rule of ``matching.tiers``: inside the delivery area or a lot when the
tender has them, else inside its territory when it has one, else everywhere.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import shapely
from numpy.typing import NDArray
from sklearn.feature_extraction.text import TfidfVectorizer

from domain.model import PolicePlan, Tender
from domain.vocabulary import THEMES
from geo.sphere import FloatArray
from matching.features import THEME_INDEX, ActivityTable, IntArray

TERRITORY_ONLY_FIT = 0.5
#: the least TF-IDF cosine similarity that counts as "may relate to" a priority, for the claim
#: and for the score alike (what is not said is not counted). Calibrated on the evaluation
#: scenarios' untagged activities: (activity, own-plan priority) pairs an officer would NOT
#: relate reach at most 0.08 (884 pairs), related ones have a median of 0.28; the independent
#: set of issue 16 saw unrelated pairs up to 0.15. 0.2 sits above both, at the price of leaving
#: about 40% of related pairs unclaimed (tagging themes is the reliable route).
TEXT_THRESHOLD = 0.2


def text_alignment(similarity: FloatArray) -> FloatArray:
    """Cosine similarities as priority alignment: 0 below ``TEXT_THRESHOLD``, else unchanged."""
    clipped = np.clip(similarity, 0.0, 1.0)
    return np.asarray(np.where(clipped >= TEXT_THRESHOLD, clipped, 0.0), dtype=np.float64)


@dataclass(frozen=True)
class PlanAlignment:
    """Per activity: alignment with its territory's plan and the priority that matched."""

    value: FloatArray
    title: tuple[str | None, ...]
    theme: tuple[str | None, ...]
    by_text: NDArray[np.bool_]
    has_plan: NDArray[np.bool_]


@dataclass(frozen=True)
class TenderView:
    """Per activity, for one tender: area fit, lot, combined priority alignment, and the
    indices of the activities inside its delivery area, lots or territory."""

    area_fit: FloatArray
    in_area: NDArray[np.bool_]
    lot_index: IntArray
    priority: FloatArray
    tender_theme: IntArray  # index into THEME_CODES of the matched tender priority, -1 none
    tender_text: FloatArray  # text similarity with the tender's priorities (theme-less rows)
    in_reach: NDArray[np.bool_]  # inside the delivery area, a lot or the territory
    reach: IntArray  # the same, as row numbers
    in_scope: NDArray[np.bool_]  # inside what the tender delivers to (see module doc)


def _priority_text(title: str, theme: str) -> str:
    return f"{title} {THEMES.get(theme, '')}"


def align_plans(
    table: ActivityTable, plans: Mapping[str, PolicePlan], vectoriser: TfidfVectorizer
) -> PlanAlignment:
    """Alignment of each activity with the current plan of its own territory."""
    n = len(table)
    value = np.zeros(n, dtype=np.float64)
    titles: list[str | None] = [None] * n
    themes: list[str | None] = [None] * n
    by_text = np.zeros(n, dtype=np.bool_)
    index = {code: i for i, code in enumerate(table.territories)}
    has_plan = np.zeros(n, dtype=np.bool_)
    for code, plan in plans.items():
        at = index.get(code)
        rows = np.flatnonzero(table.territory == at) if at is not None else np.zeros(0, np.intp)
        if rows.size == 0 or not plan.priorities:
            continue
        has_plan[rows] = True
        _align_group(table, plan, rows, vectoriser, value, (titles, themes), by_text)
    return PlanAlignment(value, tuple(titles), tuple(themes), by_text, has_plan)


def _align_group(
    table: ActivityTable,
    plan: PolicePlan,
    rows: IntArray,
    vectoriser: TfidfVectorizer,
    value: FloatArray,
    titles: tuple[list[str | None], list[str | None]],
    by_text: NDArray[np.bool_],
) -> None:
    top = max(p.weight for p in plan.priorities) or 1.0
    weight = np.zeros((len(plan.priorities), table.theme_matrix.shape[1]), dtype=np.float64)
    for i, priority in enumerate(plan.priorities):
        column = THEME_INDEX.get(priority.theme)
        if column is not None:
            weight[i, column] = max(priority.weight, 0.0) / top
    themed = rows[table.has_themes[rows]]
    if themed.size:
        per_priority = table.theme_matrix[themed] @ weight.T  # (rows, priorities)
        _take_best(per_priority, themed, plan, value, titles)
    plain = rows[~table.has_themes[rows]]
    if plain.size:
        texts = [_priority_text(p.title, p.theme) for p in plan.priorities]
        similarity = (table.text_matrix[plain] @ vectoriser.transform(texts).T).toarray()
        _take_best(text_alignment(similarity), plain, plan, value, titles)
        by_text[plain] = True


def _take_best(
    per_priority: FloatArray,
    rows: IntArray,
    plan: PolicePlan,
    value: FloatArray,
    titles: tuple[list[str | None], list[str | None]],
) -> None:
    best = per_priority.argmax(axis=1)
    value[rows] = per_priority[np.arange(rows.size), best]
    for row, index, score in zip(rows, best, value[rows], strict=True):
        if score > 0.0:
            titles[0][row] = plan.priorities[index].title
            titles[1][row] = plan.priorities[index].theme


def build_tender_view(
    table: ActivityTable,
    plan: PlanAlignment,
    tender: Tender,
    vectoriser: TfidfVectorizer,
) -> TenderView:
    """Everything about ``tender`` that does not depend on the supplier (cache per tender)."""
    in_area, lot_index = _inside_areas(table, tender)
    code = tender.territory_code
    in_territory = (
        table.territory == table.territories.index(code)
        if code and code in table.territories
        else np.zeros(len(table), dtype=np.bool_)
    )
    area_fit = np.where(in_area, 1.0, np.where(in_territory, TERRITORY_ONLY_FIT, 0.0))
    tender_theme, tender_text, tender_part = _tender_alignment(table, tender, vectoriser)
    has_tender = bool(tender.priorities)
    if has_tender:
        priority = np.where(plan.has_plan, (plan.value + tender_part) / 2.0, tender_part)
    else:
        priority = plan.value.copy()
    return TenderView(
        area_fit=np.asarray(area_fit, dtype=np.float64),
        in_area=in_area,
        lot_index=lot_index,
        priority=np.asarray(priority, dtype=np.float64),
        tender_theme=tender_theme,
        tender_text=tender_text,
        in_reach=in_area | in_territory,
        reach=np.flatnonzero(in_area | in_territory).astype(np.intp),
        in_scope=_in_scope(tender, in_area, in_territory),
    )


def _in_scope(
    tender: Tender, in_area: NDArray[np.bool_], in_territory: NDArray[np.bool_]
) -> NDArray[np.bool_]:
    if tender.delivery_area is not None or tender.lots:
        return in_area
    if tender.territory_code:
        return in_territory
    return np.ones(in_area.size, dtype=np.bool_)


def _inside_areas(table: ActivityTable, tender: Tender) -> tuple[NDArray[np.bool_], IntArray]:
    n = len(table)
    in_area = np.zeros(n, dtype=np.bool_)
    lot_index = np.full(n, -1, dtype=np.intp)
    if tender.delivery_area is not None:
        in_area |= shapely.intersects_xy(tender.delivery_area, table.lon, table.lat)
    for i, lot in enumerate(tender.lots):
        inside = shapely.intersects_xy(lot.area, table.lon, table.lat) & (lot_index < 0)
        lot_index[inside] = i
    return in_area | (lot_index >= 0), lot_index


def _tender_alignment(
    table: ActivityTable, tender: Tender, vectoriser: TfidfVectorizer
) -> tuple[IntArray, FloatArray, FloatArray]:
    n = len(table)
    wanted = np.zeros(table.theme_matrix.shape[1], dtype=np.float64)
    for theme in tender.priorities:
        if theme in THEME_INDEX:
            wanted[THEME_INDEX[theme]] = 1.0
    matched = table.theme_matrix * wanted
    tender_theme = np.where(matched.any(axis=1), matched.argmax(axis=1), -1).astype(np.intp)
    part = (tender_theme >= 0).astype(np.float64)
    tender_text = np.zeros(n, dtype=np.float64)
    plain = np.flatnonzero(~table.has_themes)
    if tender.priorities and plain.size:
        words = " ".join(_priority_text("", theme) for theme in tender.priorities)
        similarity = table.text_matrix[plain] @ vectoriser.transform([words]).T
        tender_text[plain] = text_alignment(similarity.toarray().ravel())
        part[plain] = tender_text[plain]
    return tender_theme, tender_text, part
