"""Fail when an install input names anything but a registry package by name and version.

A fresh machine has only the package registries (PyPI, npm, Debian). A dependency pinned to a
local wheel, a ``file:`` URL or a VCS URL installs on the one machine that has it and fails
everywhere else, while CI on that machine stays green. ``make lint`` runs this over
``pyproject.toml``, ``constraints.txt``, ``Makefile`` and ``scripts/*.sh``; it prints each
offending line as ``path:line: reason: text`` and exits 1. Standard library only, so it runs
before anything is installed: ``python3 scripts/check-pins.py [--root DIR]``.
"""

from __future__ import annotations

import argparse
import re
import sys
import tomllib
from collections.abc import Iterable, Iterator
from pathlib import Path

#: patterns no install input may contain anywhere outside a comment
FORBIDDEN: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"\bfile:", re.IGNORECASE), "a file: URL"),
    (re.compile(r"\b(git|hg|svn|bzr)\+", re.IGNORECASE), "a VCS URL"),
    (re.compile(r"\b(git|ssh)://|\b(github|gitlab|bitbucket):", re.IGNORECASE), "a VCS URL"),
    (re.compile(r"@\s*(https?|ftp)://", re.IGNORECASE), "a direct URL reference"),
    (re.compile(r"\S+\.(whl|tar\.gz|tgz|tar\.bz2|zip|egg)(?![\w.])"), "an archive file or URL"),
    (
        re.compile(r"(^|\s)(--find-links|--no-index|--extra-index-url|--index-url)\b"),
        "a non-registry index",
    ),
)
#: one constraints line: ``name==version`` with optional extras and environment marker
CONSTRAINT = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*(\[[\w,.-]+\])?==[\w.!+-]+(\s*;.+)?$")
#: a PEP 508 direct reference (``name @ anything``) or a bare path as a requirement
DIRECT = re.compile(r"^\s*[A-Za-z0-9][A-Za-z0-9._-]*(\[[^\]]*\])?\s*@")
PATH_LIKE = re.compile(r"^\s*(\.{1,2}/|/|~|[A-Za-z]:\\)")
#: ``pip install`` arguments that are the project itself, not a dependency
PROJECT_ITSELF = {".", ".[dev]", "'.[dev]'", '".[dev]"'}
PIP_INSTALL = re.compile(r"\bpip3?\s+install\b(?P<args>.*)$")
PIP_VALUED = {"-c", "--constraint", "-r", "--requirement", "--prefix", "--target", "-t"}


def _strip_comment(line: str) -> str:
    """The line without a trailing ``# comment`` (install scripts, Makefile, constraints)."""
    return re.sub(r"(^|\s)#.*$", "", line).rstrip()


def _scan(path: Path, lines: Iterable[tuple[int, str]]) -> Iterator[str]:
    for number, text in lines:
        for pattern, reason in FORBIDDEN:
            if pattern.search(text):
                yield f"{path}:{number}: {reason}: {text.strip()}"
                break


def check_constraints(path: Path) -> Iterator[str]:
    """Every line of constraints.txt is ``name==version``."""
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        text = _strip_comment(raw).strip()
        if text and not CONSTRAINT.match(text):
            yield f"{path}:{number}: not a name==version pin: {text}"


def _requirements(data: dict[str, object]) -> Iterator[str]:
    project = data.get("project", {})
    build = data.get("build-system", {})
    assert isinstance(project, dict) and isinstance(build, dict)
    yield from project.get("dependencies", [])
    for group in project.get("optional-dependencies", {}).values():
        yield from group
    yield from build.get("requires", [])


def check_pyproject(path: Path) -> Iterator[str]:
    """Dependencies name registry packages: no ``name @ url``, no path, no URL."""
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines()
    for requirement in _requirements(tomllib.loads(text)):
        bad = DIRECT.match(requirement) or PATH_LIKE.match(requirement)
        bad = bad or any(p.search(requirement) for p, _ in FORBIDDEN)
        if bad:
            number = next((n for n, line in enumerate(lines, 1) if requirement in line), 0)
            yield f"{path}:{number}: dependency is not a registry package: {requirement}"


def _pip_arguments(args: str) -> Iterator[str]:
    """The package arguments of one ``pip install`` command line (options skipped)."""
    words = iter(args.split())
    for word in words:
        if word in {"&&", "||", ";", "|", ">", "2>&1"}:
            return
        if word in {"-f", "-i"}:
            yield word  # --find-links / --index-url by their short names
        elif word in PIP_VALUED:
            next(words, None)
        elif not word.startswith("-"):
            yield word


def check_script(path: Path) -> Iterator[str]:
    """Install scripts and the Makefile: no forbidden pattern, pip installs only packages."""
    lines = [(n, _strip_comment(t)) for n, t in enumerate(path.read_text("utf-8").splitlines(), 1)]
    yield from _scan(path, lines)
    for number, text in lines:
        match = PIP_INSTALL.search(text)
        for word in _pip_arguments(match["args"]) if match else ():
            if word in {"-f", "-i"}:
                yield f"{path}:{number}: a non-registry index: {text.strip()}"
            elif word not in PROJECT_ITSELF and ("/" in word or word.startswith((".", "~"))):
                yield f"{path}:{number}: pip installs a local path: {text.strip()}"


def problems(root: Path) -> list[str]:
    """Everything wrong under ``root`` (empty when every pin is by name and version)."""
    found: list[str] = []
    if (root / "pyproject.toml").is_file():
        found += check_pyproject(root / "pyproject.toml")
    if (root / "constraints.txt").is_file():
        found += check_constraints(root / "constraints.txt")
    for script in [root / "Makefile", *sorted((root / "scripts").glob("*.sh"))]:
        if script.is_file():
            found += check_script(script)
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--root", type=Path, default=Path(__file__).resolve().parents[1])
    found = problems(parser.parse_args(argv).root)
    for line in found:
        print(line, file=sys.stderr)
    if found:
        print(f"{len(found)} install input(s) not pinned by name and version", file=sys.stderr)
        return 1
    print("pins: every dependency is a registry package by name and version")
    return 0


if __name__ == "__main__":
    sys.exit(main())
