"""A batch write in chunks, the next chunk encoded while the database takes this one.

``put_many`` of 100k activities on PostGIS spent ~1 s of Python encoding before its COPY
began, and the server then worked ~2 s while Python waited (issue 19: 2.1x a raw COPY). The
server is another process: encoding chunk i+1 in a worker thread while the caller's thread
streams chunk i overlaps the two on two cores (the caller's thread waits on the socket with
the GIL released). SQLite runs inside this process and takes the GIL for every row it binds,
so there the chunks are encoded in turn on the caller's thread (``threaded=False``).
"""

from __future__ import annotations

from collections.abc import Callable, Generator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

from store.bulk_rows import Rows

#: rows per chunk: big enough that a chunk's fixed costs (one vectorised call per column,
#: one ``executemany`` or COPY write) stay small, small enough that the first one is soon ready
CHUNK_ROWS = 5_000


@dataclass(frozen=True)
class Chunk:
    """Entities of one kind, the next ``len(entities)`` of its batch, and their area codes
    (``encode_rows``' ``codes``, sliced to this chunk) when ``located`` for the whole batch
    up front (None: none was missing); else the chunk's encoding locates them itself."""

    kind: type
    entities: Sequence[Any]
    codes: dict[str, list[str | None]] | None = None
    located: bool = False


def split_batch(
    by_kind: dict[type, list[Any]],
    order: Sequence[type],
    codes: dict[type, dict[str, list[str | None]] | None],
) -> list[Chunk]:
    """Each kind's entities, in ``order`` (parents before children), as chunks of at most
    ``CHUNK_ROWS``, the batch's first one a fifth of that (nothing overlaps its encoding:
    the sooner it is ready, the sooner the database starts); ``codes``: the area codes of
    the kinds located up front."""
    out: list[Chunk] = []
    for kind in order:
        group = by_kind.get(kind, [])
        kind_codes = codes.get(kind)
        start = 0
        while start < len(group):
            size = CHUNK_ROWS if out else max(1, CHUNK_ROWS // 5)
            part = slice(start, start + size)
            sliced = None if kind_codes is None else {k: v[part] for k, v in kind_codes.items()}
            out.append(Chunk(kind, group[part], sliced, located=kind in codes))
            start += size
    return out


def encoded_ahead(
    chunks: Sequence[Chunk], encode: Callable[[Chunk], Rows], *, threaded: bool
) -> Generator[tuple[type, Rows], None, None]:
    """(kind, rows) of each chunk in turn; ``threaded``: chunk i+1 is encoded in a worker
    thread while the caller writes chunk i. An error encoding a chunk is raised where the
    caller asks for that chunk, after the chunks before it were given."""
    if not threaded or len(chunks) < 2:
        for chunk in chunks:
            yield chunk.kind, encode(chunk)
        return
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="dicm-encode") as pool:
        pending: Future[Rows] = pool.submit(encode, chunks[0])
        try:
            for chunk, following in pairwise(chunks):
                rows = pending.result()
                pending = pool.submit(encode, following)
                yield chunk.kind, rows
            yield chunks[-1].kind, pending.result()
        finally:
            pending.cancel()  # the caller stopped early (an error): the next chunk is not needed
