"""Run every benchmark module's ``main()`` (``python -m bench``), or the named ones.

``python -m bench [NAME ...] [-- ARGS ...]``: the names come first; everything from the first
option on (a lone ``--`` is dropped) goes to the one named module's own argument parser, e.g.
``python -m bench recommend --activities 10000`` or ``python -m bench load -- --clients 1``.
Each module's ``main(argv)`` parses only what it is given, never ``sys.argv`` (which still holds
the module names and made ``python -m bench recommend`` exit 2).
"""

from __future__ import annotations

import importlib
import pkgutil
import sys
from pathlib import Path

USAGE = "usage: python -m bench [NAME ...] [-- ARGS ...]"


def available() -> list[str]:
    """The benchmark modules in this package (every module not starting with ``_``)."""
    here = Path(__file__).resolve().parent
    return sorted(m.name for m in pkgutil.iter_modules([str(here)]) if not m.name.startswith("_"))


def split_argv(argv: list[str]) -> tuple[list[str], list[str]]:
    """(module names, the arguments for the module): names end at the first option."""
    for i, arg in enumerate(argv):
        if arg.startswith("-"):
            rest = argv[i + 1 :] if arg == "--" else argv[i:]
            return argv[:i], rest
    return argv, []


def main(argv: list[str]) -> int:
    found = available()
    if argv in (["-h"], ["--help"]):
        print(f"{USAGE}\n\nbenchmarks: {', '.join(found)}\n"
              "`python -m bench NAME --help` lists a benchmark's own options.")  # fmt: skip
        return 0
    names, rest = split_argv(argv)
    unknown = [n for n in names if n not in found]
    if unknown:
        print(f"{USAGE}\nunknown benchmark {', '.join(unknown)}; known: {', '.join(found)}")
        return 2
    if rest and len(names) != 1:
        print(f"{USAGE}\narguments need exactly one benchmark name, got {len(names)}")
        return 2
    for name in names or found:
        module = importlib.import_module(f"bench.{name}")
        print(f"\n=== bench.{name} ===", flush=True)
        module.main(rest)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
