"""The FastAPI and Python versions a project declares, read from its packaging files (never
by importing anything): the fixes that need a FastAPI feature, or a `typing` name of a given
Python, ask them before they count as safe.

Read in the project's top folder: `pyproject.toml` (`[project]` dependencies and
requires-python, Poetry's `[tool.poetry.dependencies]`, ruff's `target-version`),
`requirements*.txt` (and `requirements/*.txt`), and the versions locked in `uv.lock` or
`poetry.lock`, which, where present, decide FastAPI's.
"""

from __future__ import annotations

import glob
import os
import re
import sys
from dataclasses import dataclass, replace
from typing import Any, Dict, Iterable, List, Optional, Tuple

from typing import TYPE_CHECKING

from fastapi_conventions_lint import source
from fastapi_conventions_lint.digest import hex_digest

if TYPE_CHECKING:  # pragma: no cover
    from packaging.specifiers import SpecifierSet
    from packaging.version import Version

if sys.version_info >= (3, 11):  # pragma: no cover - depends on the interpreter
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

# The first FastAPI that understands Annotated[T, Depends(...)].
ANNOTATED_FASTAPI = "0.95"


@dataclass(frozen=True)
class DeclaredVersions:
    fastapi: Optional[SpecifierSet] = None
    fastapi_source: str = ""
    python: Optional[SpecifierSet] = None
    python_source: str = ""


# ---- reading ------------------------------------------------------------------------------

def _toml(path: str) -> Dict[str, Any]:
    try:
        with source.open_regular(path, "rb") as handle:
            document = tomllib.load(handle)
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError):
        return {}
    return document if isinstance(document, dict) else {}


def _table(document: Dict[str, Any], *keys: str) -> Dict[str, Any]:
    for key in keys:
        document = document.get(key) if isinstance(document, dict) else None  # type: ignore[assignment]
    return document if isinstance(document, dict) else {}


# packaging is imported where a constraint is read or compared: a run answered from the
# results cache reads none, and its import costs a tenth of such a run.


def _specifier(text: str) -> Optional[SpecifierSet]:
    from packaging.specifiers import InvalidSpecifier, SpecifierSet

    try:
        return SpecifierSet(text)
    except InvalidSpecifier:
        return None


def _requirement_of(lines: Iterable[str], name: str) -> Optional[SpecifierSet]:
    """The version specifier of `name` among PEP 508 requirement strings (extras and markers
    are ignored)."""
    from packaging.requirements import InvalidRequirement, Requirement

    for line in lines:
        try:
            requirement = Requirement(line)
        except InvalidRequirement:
            continue
        if requirement.name.lower().replace("_", "-") == name:
            return requirement.specifier
    return None


_POETRY_VERSION = re.compile(r"^\s*([\^~]|[<>=!]=?|~=)?\s*v?(\d+(?:\.\d+)*)(\.\*)?\s*$")


def poetry_specifier(text: str) -> Optional[SpecifierSet]:
    """A Poetry constraint as a specifier set: `^0.79.1` -> `>=0.79.1,<0.80.0`, `~1.2` ->
    `>=1.2,<1.3`, `*` -> any, comma-separated ranges; of `||` alternatives, the one with the
    lowest bound (what decides whether an older version is allowed)."""
    alternatives = [part.strip() for part in text.split("||")]
    if len(alternatives) > 1:
        specs = [poetry_specifier(part) for part in alternatives]
        if any(spec is None for spec in specs):
            return None
        return min(specs, key=_lowest_first)  # type: ignore[arg-type]
    parts: List[str] = []
    for piece in (p.strip() for p in text.split(",")):
        if piece in ("", "*"):
            continue
        match = _POETRY_VERSION.match(piece)
        if match is None:
            return None
        operator, number, star = match.group(1) or "", match.group(2), match.group(3)
        numbers = [int(n) for n in number.split(".")]
        if operator == "^":
            first = next((i for i, n in enumerate(numbers) if n != 0), len(numbers) - 1)
            upper = numbers[: first + 1]
            upper[-1] += 1
            parts += [f">={number}", "<" + ".".join(map(str, upper))]
        elif operator == "~":
            upper = numbers[:2] if len(numbers) > 1 else numbers[:1]
            upper[-1] += 1
            parts += [f">={number}", "<" + ".".join(map(str, upper))]
        elif operator in ("", "=", "=="):
            parts.append(f"=={number}{star or ''}")
        else:
            parts.append(f"{operator}{number}{star or ''}")
    return _specifier(",".join(parts))


def _poetry(value: Any) -> Optional[SpecifierSet]:
    if isinstance(value, dict):
        value = value.get("version")
    if isinstance(value, list):  # multiple constraints: the loosest decides
        specs = [_poetry(item) for item in value]
        known = [spec for spec in specs if spec is not None]
        return min(known, key=_lowest_first) if known else None
    return poetry_specifier(value) if isinstance(value, str) else None


_PACKAGE_HEADER = re.compile(r"^\[\[package\]\][ \t]*\r?$", re.MULTILINE)
_FASTAPI_NAME = re.compile(r"""^name\s*=\s*["']fastapi["']\s*$""", re.MULTILINE)


def _locked_fastapi(path: str) -> Optional[Dict[str, Any]]:
    """The `[[package]]` table of fastapi in a lock file. Only that section is parsed: a
    uv.lock runs to megabytes, and reading all of it cost more than the whole check."""
    try:
        with source.open_regular(path, "rb") as handle:
            data = handle.read()
        text = data.decode("utf-8") if b"fastapi" in data else ""
    except (OSError, UnicodeDecodeError):
        return None
    for section in _PACKAGE_HEADER.split(text)[1:]:
        if _FASTAPI_NAME.search(section):
            try:
                table = tomllib.loads(section)
            except tomllib.TOMLDecodeError:
                continue
            if table.get("name") == "fastapi":
                return table
    return None


def _locked(directory: str) -> Tuple[Optional[SpecifierSet], str]:
    for name in ("uv.lock", "poetry.lock"):
        package = _locked_fastapi(os.path.join(directory, name))
        version = package.get("version") if package is not None else None
        spec = _specifier(f"=={version}") if isinstance(version, str) else None
        if spec is not None:
            return spec, name
    return None, ""


def _requirements_files(directory: str) -> List[str]:
    return sorted(
        glob.glob(os.path.join(directory, "requirements*.txt"))
        + glob.glob(os.path.join(directory, "requirements", "*.txt"))
    )


def _requirement_lines(path: str) -> List[str]:
    try:
        with source.open_regular(path, "r", encoding="utf-8", errors="replace") as handle:
            text = handle.read()
    except OSError:
        return []
    lines = []
    for line in text.splitlines():
        line = line.split(" #", 1)[0].strip()
        if line and not line.startswith(("#", "-")) and "://" not in line:
            lines.append(line)
    return lines


def read_declared(directory: str) -> DeclaredVersions:
    """What the project in `directory` declares (not cached)."""
    declared = DeclaredVersions()
    document = _toml(os.path.join(directory, "pyproject.toml"))
    project = _table(document, "project")
    poetry = _table(document, "tool", "poetry", "dependencies")
    dependencies = project.get("dependencies")
    if isinstance(dependencies, list):
        spec = _requirement_of([d for d in dependencies if isinstance(d, str)], "fastapi")
        if spec is not None:
            declared = replace(declared, fastapi=spec, fastapi_source="pyproject.toml [project]")
    if declared.fastapi is None and "fastapi" in poetry:
        spec = _poetry(poetry["fastapi"])
        if spec is not None:
            declared = replace(declared, fastapi=spec,
                               fastapi_source="pyproject.toml [tool.poetry.dependencies]")
    if declared.fastapi is None:
        for path in _requirements_files(directory):
            spec = _requirement_of(_requirement_lines(path), "fastapi")
            if spec is not None:
                declared = replace(declared, fastapi=spec, fastapi_source=os.path.relpath(path, directory))
                break
    locked, lock_file = _locked(directory)
    if locked is not None:
        declared = replace(declared, fastapi=locked, fastapi_source=lock_file)
    requires = project.get("requires-python")
    target = _table(document, "tool", "ruff").get("target-version")
    if isinstance(requires, str) and _specifier(requires) is not None:
        declared = replace(declared, python=_specifier(requires), python_source="requires-python")
    elif isinstance(poetry.get("python"), (str, dict, list)) and _poetry(poetry["python"]) is not None:
        declared = replace(declared, python=_poetry(poetry["python"]),
                           python_source="[tool.poetry.dependencies] python")
    elif isinstance(target, str) and re.fullmatch(r"py3\d+", target):
        declared = replace(declared, python=_specifier(f">=3.{target[3:]}"),
                           python_source="[tool.ruff] target-version")
    return declared


_CACHE: Dict[str, Tuple["DeclaredIn", DeclaredVersions]] = {}
_READ = ("pyproject.toml", "uv.lock", "poetry.lock")


@dataclass(frozen=True)
class DeclaredIn:
    """What the project in a folder declares, read when a rule first asks. Settings carry
    this rather than the versions: two are equal, and print alike (the results cache keys on
    it), exactly when the files they are read from hold the same bytes."""

    directory: str
    digests: Tuple[Tuple[str, str], ...]  # (file, digest of its bytes)

    def read(self) -> DeclaredVersions:
        held = _CACHE.get(self.directory)
        if held is None or held[0] != self:
            held = _CACHE[self.directory] = (self, read_declared(self.directory))
        return held[1]

    @property
    def fastapi(self) -> Optional[SpecifierSet]:
        return self.read().fastapi

    @property
    def fastapi_source(self) -> str:
        return self.read().fastapi_source

    @property
    def python(self) -> Optional[SpecifierSet]:
        return self.read().python

    @property
    def python_source(self) -> str:
        return self.read().python_source


def _digest(path: str) -> Optional[str]:
    """The digest of a file's bytes (None when it is not a readable regular file). Bytes,
    not timestamps: a rewrite within one clock tick keeps every timestamp, and a stamp that
    changed with the clock alone would make a fix run's later rounds analyse every file."""
    try:
        with source.open_regular(path, "rb") as handle:
            return hex_digest(handle.read())
    except OSError:
        return None


def declared_versions(directory: str) -> DeclaredIn:
    """What the project in `directory` declares, read on first use and again only when one
    of the files it is read from changes."""
    digests = []
    for path in [os.path.join(directory, name) for name in _READ] + _requirements_files(directory):
        digest = _digest(path)
        if digest is not None:
            digests.append((path, digest))
    return DeclaredIn(directory, tuple(digests))


def with_declared_versions(settings: Any, layout: Any) -> Any:
    """`settings` with what the project of `layout` declares (`declared`)."""
    return replace(settings, declared=declared_versions(layout.top or layout.home))


# ---- deciding -----------------------------------------------------------------------------

def _lower_bound(spec: SpecifierSet) -> Optional[Version]:
    """The highest lower bound the specifiers set (None when none does)."""
    from packaging.version import InvalidVersion, Version

    bounds = []
    for item in spec:
        if item.operator in (">=", ">", "==", "~=", "==="):
            try:
                bounds.append(Version(item.version.rstrip(".*")))
            except InvalidVersion:
                continue
    return max(bounds) if bounds else None


def requirement(spec: SpecifierSet) -> str:
    """The declared requirement as messages quote it: `fastapi >=0.95`, or `fastapi` with no
    version bound."""
    return f"fastapi {spec}" if str(spec) else "fastapi with no version bound"


def allows_below(spec: Optional[SpecifierSet], version: str) -> Optional[bool]:
    """Whether the constraint admits a release older than `version`; None when nothing is
    declared."""
    if spec is None:
        return None
    from packaging.version import Version

    bound = _lower_bound(spec)
    return bound is None or bound < Version(version)


def _lowest_first(spec: SpecifierSet) -> Version:
    """Orders constraints by their lower bound (none: the lowest)."""
    from packaging.version import Version

    return _lower_bound(spec) or Version("0")


def lowest_python(spec: Optional[SpecifierSet]) -> Optional[Tuple[int, int]]:
    bound = _lower_bound(spec) if spec is not None else None
    return (bound.major, bound.minor) if bound is not None else None


def annotated_module(declared: Optional[DeclaredVersions]) -> str:
    """Where `Annotated` comes from: `typing`, or `typing_extensions` when the project allows
    a Python older than 3.9 (whose typing has no Annotated)."""
    lowest = lowest_python(declared.python) if declared is not None else None
    return "typing_extensions" if lowest is not None and lowest < (3, 9) else "typing"
