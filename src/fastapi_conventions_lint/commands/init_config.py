"""`init-config`: write the configured config object (`server.config:api_config`) for a
project that has none yet, with one constant per prefix root its routers really use, so that
FCL001's fix can import it afterwards.

The constants are the configured `prefixes` table when the project sets one; otherwise the
shared roots of the hardcoded prefixes: every leading run of path segments that two or more
prefixes start with (`/api/v1`, `/api/v1/capabilities`), less a root that a longer one
covers for the same prefixes (`/api` next to `/api/v1` when every prefix has both).
"""

from __future__ import annotations

import argparse
import difflib
import os
import re
import sys
from typing import Dict, Iterable, List, Mapping, Optional, Set

from fastapi_conventions_lint import source
from fastapi_conventions_lint.commands.common import EXIT_CLEAN, EXIT_VIOLATIONS, fail, info
from fastapi_conventions_lint.config import DEFAULT_PREFIXES, Settings


def used_prefixes(index) -> List[str]:
    """The literal text every hardcoded prefix starts with: routers' own prefixes (those
    FCL001 reports: not apps, not nested) and the prefixes given at include_router."""
    found: List[str] = []
    for module in index.modules():
        facts = module.facts
        if facts is None:
            continue
        for router in facts.routers:
            if router.is_app or router.may_be_nested or router.prefix.origin != "literal":
                continue
            found.append(router.prefix.head)
        for include in facts.includes:
            if include.prefix.origin == "literal":
                found.append(include.prefix.head)
    return [text.rstrip("/") for text in found if text.startswith("/") and text.strip("/")]


def shared_roots(prefixes: Iterable[str]) -> List[str]:
    """Leading segment runs shared by two or more of the distinct prefixes, shortest first."""
    distinct = sorted(set(prefixes))
    users: Dict[str, Set[str]] = {}
    for prefix in distinct:
        segments = [segment for segment in prefix.split("/")[1:] if segment]
        for cut in range(1, len(segments) + 1):
            if any("{" in segment for segment in segments[:cut]):
                break
            users.setdefault("/" + "/".join(segments[:cut]), set()).add(prefix)
    shared = {root: who for root, who in users.items() if len(who) >= 2}
    kept = [
        root for root, who in shared.items()
        if not any(other != root and other.startswith(root + "/") and shared[other] == who for other in shared)
    ]
    return sorted(kept, key=lambda root: (root.count("/"), root))


def constant_names(roots: Iterable[str]) -> Dict[str, str]:
    """{NAME_PREFIX: root}: the last segment names a root; where two would share a name, the
    segments before it are added until they differ."""
    roots = list(roots)
    depth = {root: 1 for root in roots}

    def name(root: str) -> str:
        segments = [segment for segment in root.split("/") if segment][-depth[root]:]
        words = re.sub(r"\W+", "_", "_".join(segments)).strip("_").upper() or "ROOT"
        return f"{'P_' if words[0].isdigit() else ''}{words}_PREFIX"

    while True:
        names: Dict[str, List[str]] = {}
        for root in roots:
            names.setdefault(name(root), []).append(root)
        clashes = [group for group in names.values() if len(group) > 1]
        if not clashes:
            return {constant: group[0] for constant, group in names.items()}
        grown = False
        for group in clashes:
            for root in group:
                if depth[root] < root.count("/"):
                    depth[root] += 1
                    grown = True
        if not grown:  # pragma: no cover - distinct roots always differ somewhere
            return {}


def class_text(class_name: str, object_name: str, constants: Mapping[str, str]) -> str:
    lines = [
        f"class {class_name}:",
        '    """Router prefixes: build every router\'s prefix from these."""',
        "",
    ]
    lines += [f"    {name} = {_string(value)}" for name, value in constants.items()]
    lines += ["", "", f"{object_name} = {class_name}()", ""]
    return "\n".join(lines)


def _string(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _class_name(object_name: str, taken: Iterable[str]) -> str:
    base = "".join(part.capitalize() for part in object_name.split("_") if part) or "ApiConfig"
    name = base if base[0].isalpha() else f"Config{base}"
    while name in set(taken):
        name += "Prefixes"
    return name


def _target_file(settings: Settings, layout, index) -> Optional[str]:
    """Where the configured module is (to append to), or where it is to be created: under
    the import root that holds the app, else the project's first root."""
    module_name = settings.api_config.partition(":")[0]
    found = layout.find(module_name, os.path.join(layout.home, "__init__.py"))
    if found is not None:
        return str(found[0])
    roots = [str(root) for root in layout.roots] or [layout.home]
    apps = [index.module_of(app) for app in index.apps()]
    for module in apps:
        if module is None:
            continue
        for root in sorted(roots, key=len, reverse=True):
            if str(module.path).startswith(root.rstrip(os.sep) + os.sep):
                return os.path.join(root, *module_name.split(".")) + ".py"
    return os.path.join(roots[0], *module_name.split(".")) + ".py"


def run_init_config(args: argparse.Namespace) -> int:
    from fastapi_conventions_lint.commands.routes import load_project
    from fastapi_conventions_lint.project.bindings import top_level_names
    from fastapi_conventions_lint.source import read_leniently

    if not os.path.exists(args.path):
        return fail(f"{args.path}: no such file or directory")
    settings, layout, index = load_project(args.path, args.config)
    module_name, _, object_name = settings.api_config.partition(":")
    if not settings.config_missing:
        info(f"{module_name} already defines {object_name} "
             f"({len(settings.prefixes)} prefix constants): nothing to write")
        return EXIT_CLEAN
    target = _target_file(settings, layout, index)
    existing = ""
    if target is not None and os.path.exists(target):
        with source.open_regular(target, "r", encoding="utf-8") as handle:
            existing = handle.read()
        try:
            bound = top_level_names(read_leniently(existing, target))
        except SyntaxError:
            return fail(f"{target} does not parse: fix it first")
        if object_name in bound:
            return fail(f"{target} binds {object_name}, but its prefix constants cannot be read "
                        "without running it; write them as string constants of a class")
    else:
        bound = set()
    if settings.prefixes != DEFAULT_PREFIXES:
        constants = dict(settings.prefixes)  # the table the project configured
    else:
        constants = constant_names(shared_roots(used_prefixes(index)))
    if not constants:
        info("no prefix root is shared by two routers or includes: nothing to write")
        return EXIT_CLEAN
    text = class_text(_class_name(object_name, bound), object_name, constants)
    if existing:
        separator = "" if existing.endswith("\n") else "\n"
        new = existing + separator + "\n\n" + text
    else:
        new = text
    shown = os.path.relpath(target)
    if args.diff:
        for package in _new_packages(os.path.dirname(target)):
            info(f"would also create {os.path.relpath(os.path.join(package, '__init__.py'))} (empty)")
        sys.stdout.write("".join(difflib.unified_diff(
            existing.splitlines(True), new.splitlines(True),
            fromfile=shown if existing else "/dev/null", tofile=shown,
        )))
        return EXIT_VIOLATIONS
    _write(target, existing, new)
    sys.stdout.write(f"{'Appended to' if existing else 'Wrote'} {shown}:\n\n{text}")
    return EXIT_CLEAN


def _write(target: str, existing: str, new: str) -> None:
    from fastapi_conventions_lint.fix.files import write_atomic

    if existing:
        write_atomic(target, new.encode("utf-8"))
        return
    directory = os.path.dirname(target)
    created = _new_packages(directory)
    os.makedirs(directory, exist_ok=True)
    for package in created:  # new folders become packages, as the import needs
        open(os.path.join(package, "__init__.py"), "x", encoding="utf-8").close()
    with open(target, "x", encoding="utf-8", newline="") as handle:
        handle.write(new)


def _new_packages(directory: str) -> List[str]:
    """The folders that writing into `directory` creates."""
    created: List[str] = []
    while not os.path.isdir(directory):
        created.append(directory)
        directory = os.path.dirname(directory)
    return created
