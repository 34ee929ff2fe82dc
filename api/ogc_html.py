"""Plain, accessible HTML for every OGC API resource (``f=html`` or ``Accept: text/html``).

One small renderer for all of them: a heading, the document's description, its links as a
list, and a table of features (or of one feature's properties). No script, no stylesheet from
anywhere else, every text escaped.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape
from typing import Any

_STYLE = (
    "body{font-family:system-ui,sans-serif;margin:1.5rem;max-width:70rem;color:#0b0c0c}"
    "table{border-collapse:collapse}th,td{border:1px solid #b1b4b6;padding:.25rem .5rem;"
    "text-align:left;vertical-align:top}a{color:#1d70b8}"
)


def _links(links: Sequence[Mapping[str, Any]]) -> str:
    items = []
    for link in links:
        label = link.get("title") or link.get("rel", "")
        media = f" ({escape(str(link['type']))})" if link.get("type") else ""
        rel = escape(str(link.get("rel", "")))
        href = escape(str(link["href"]))
        items.append(f'<li><a href="{href}">{escape(str(label))}</a> – {rel}{media}</li>')
    return f"<h2>Links</h2><ul>{''.join(items)}</ul>" if items else ""


def _cell(value: Any) -> str:
    if isinstance(value, (dict, list)):
        import json

        return escape(json.dumps(value, ensure_ascii=False))
    return "" if value is None else escape(str(value))


def _table(caption: str, rows: Sequence[Mapping[str, Any]], link: str | None) -> str:
    columns: list[str] = []
    for row in rows:
        columns.extend(k for k in row if k not in columns)
    head = "".join(f'<th scope="col">{escape(c)}</th>' for c in columns)
    body = []
    for row in rows:
        cells = []
        for i, c in enumerate(columns):
            text = _cell(row.get(c))
            if i == 0 and link is not None:
                text = f'<a href="{escape(link)}/{escape(str(row.get(c)))}">{text}</a>'
            cells.append(f"<td>{text}</td>")
        body.append(f"<tr>{''.join(cells)}</tr>")
    return (
        f"<table><caption>{escape(caption)}</caption><thead><tr>{head}</tr></thead>"
        f"<tbody>{''.join(body)}</tbody></table>"
    )


def _pairs(caption: str, values: Mapping[str, Any]) -> str:
    rows = "".join(
        f'<tr><th scope="row">{escape(str(k))}</th><td>{_cell(v)}</td></tr>'
        for k, v in values.items()
    )
    return f"<table><caption>{escape(caption)}</caption><tbody>{rows}</tbody></table>"


def _body(doc: Mapping[str, Any], items_link: str | None) -> str:
    if doc.get("type") == "FeatureCollection":
        rows = [{"id": f.get("id"), **(f.get("properties") or {})} for f in doc["features"]]
        counts = f"<p>{doc.get('numberReturned', len(rows))} of {doc.get('numberMatched')}.</p>"
        return counts + _table("Features", rows, items_link)
    if doc.get("type") == "Feature":
        geometry = doc.get("geometry") or {}
        return _pairs("Properties", {"id": doc.get("id"), **(doc.get("properties") or {})}) + (
            f"<p>Geometry: {escape(str(geometry.get('type', 'none')))}</p>"
        )
    if "collections" in doc:
        rows = [{"id": c["id"], "title": c["title"]} for c in doc["collections"]]
        return _table("Collections", rows, items_link)
    if "conformsTo" in doc:
        return "<ul>" + "".join(f"<li>{escape(c)}</li>" for c in doc["conformsTo"]) + "</ul>"
    if "properties" in doc:  # queryables
        rows = [{"name": k, **v} for k, v in doc["properties"].items()]
        return _table("Queryables", rows, None)
    plain = {k: v for k, v in doc.items() if k not in ("links", "title", "description")}
    return _pairs("Details", plain) if plain else ""


def render(title: str, doc: Mapping[str, Any], *, items_link: str | None = None) -> str:
    """An HTML page for an OGC API JSON document ``doc``."""
    description = doc.get("description")
    intro = f"<p>{escape(str(description))}</p>" if description else ""
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)}</title><style>{_STYLE}</style></head>"
        f"<body><main><h1>{escape(title)}</h1>{intro}{_body(doc, items_link)}"
        f"{_links(doc.get('links', []))}</main></body></html>"
    )
