"""Valuing non-cash support in pounds with openly licensed proxy values.

Each proxy carries its source, price year, URL, licence and a confidence grade:
A — the figure is the value itself (cash); B — an official published figure used as a proxy;
C — a dicm derivation or a declared value, to be read with care. National TOMs values are NOT
used (their licence forbids it). The figures live in ``proxy_values.csv`` beside this module.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

from domain.vocabulary import SupportType
from spo.model import SpoLine


@dataclass(frozen=True)
class ProxyValue:
    """The pounds one unit of a support type is worth, and where that figure comes from."""

    code: str
    support_type: SupportType
    unit: str
    value_gbp: float
    price_year: int | None
    source: str
    url: str
    confidence: str  # A | B | C
    licence: str
    note: str


@dataclass(frozen=True)
class ValuedLine:
    """A line's committed amount in pounds, or None when no proxy fits its unit."""

    line_id: str
    value_gbp: float | None
    proxy: ProxyValue | None


@cache
def load_proxy_values() -> tuple[ProxyValue, ...]:
    """The shipped proxy values (``spo/proxy_values.csv``)."""
    text = files("spo").joinpath("proxy_values.csv").read_text(encoding="utf-8")
    rows = csv.DictReader(text.splitlines())
    return tuple(
        ProxyValue(
            code=r["code"],
            support_type=SupportType(r["support_type"]),
            unit=r["unit"],
            value_gbp=float(r["value_gbp"]),
            price_year=int(r["price_year"]) if r["price_year"] else None,
            source=r["source"],
            url=r["url"],
            confidence=r["confidence"],
            licence=r["licence"],
            note=r["note"],
        )
        for r in rows
    )


def proxy_for(
    support_type: SupportType, unit: str, proxies: tuple[ProxyValue, ...] | None = None
) -> ProxyValue | None:
    """The proxy for ``support_type`` in ``unit``, or None (e.g. in-kind goods counted in items)."""
    for proxy in load_proxy_values() if proxies is None else proxies:
        if proxy.support_type == support_type and proxy.unit == unit:
            return proxy
    return None


def value_amount(
    support_type: SupportType,
    unit: str,
    amount: float,
    proxies: tuple[ProxyValue, ...] | None = None,
) -> float | None:
    """``amount`` of support in pounds, or None when it cannot be valued openly."""
    proxy = proxy_for(support_type, unit, proxies)
    return None if proxy is None else round(amount * proxy.value_gbp, 2)


def value_line(line: SpoLine, proxies: tuple[ProxyValue, ...] | None = None) -> ValuedLine:
    """The committed amount of ``line`` in pounds, with the proxy used."""
    proxy = proxy_for(line.support_type, line.unit, proxies)
    value = None if proxy is None else round(line.amount * proxy.value_gbp, 2)
    return ValuedLine(line.id, value, proxy)


def proxy_note(proxy: ProxyValue) -> str:
    """How a figure was valued, for a reader: rate, source, price year and confidence grade."""
    year = proxy.price_year if proxy.price_year is not None else "no price year"
    per = "£" if proxy.unit == "GBP" else proxy.unit.rstrip("s")
    return (
        f"valued at £{proxy.value_gbp:,.2f} per {per}"
        f" ({proxy.source}; {year}; confidence {proxy.confidence})"
    )
