"""`routes`: the application's static route table, without importing it."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from fastapi_conventions_lint import engine
from fastapi_conventions_lint.commands.common import EXIT_CLEAN, fail, warn
from fastapi_conventions_lint.config import SettingsFinder, load_settings
from fastapi_conventions_lint.discover import discover
from fastapi_conventions_lint.selection import CodeSelection


def run_routes(args: argparse.Namespace) -> int:
    """The route table of the app found under a path."""
    import ast
    import json

    from fastapi_conventions_lint.project.index import ProjectIndex, build_index
    from fastapi_conventions_lint.project.modules import import_roots
    from fastapi_conventions_lint.project.routes import RouteTable, as_json, choose_app, format_text

    if not os.path.exists(args.path):
        return fail(f"{args.path}: no such file or directory")
    finder = SettingsFinder(warn=warn)
    settings = (
        load_settings(Path(args.config), warn=warn) if args.config
        else finder.for_directory(Path(args.path if os.path.isdir(args.path) else os.path.dirname(args.path) or ".").resolve())
    )
    selection = CodeSelection.from_settings(settings)
    fallback = Path(args.path if os.path.isdir(args.path) else os.path.dirname(os.path.abspath(args.path)))
    entries = []
    files = list(discover([args.path], lambda _: (settings.exclude + settings.extend_exclude, None)))
    if files:  # the project's real prefix constants replace the table (project/constants.py)
        from fastapi_conventions_lint.project.constants import with_configured_prefixes

        settings = with_configured_prefixes(settings, fallback)
    classes = ProjectIndex(import_roots(settings, fallback), settings)  # imported router classes
    for path, explicit in files:
        analysis = engine.analyse_path(
            path, settings, selection, explicit=explicit, lookup=classes.lookup_for_path(Path(path))
        )
        if analysis.facts is not None:
            entries.append((path, analysis.facts))
    index = build_index(entries, import_roots(settings, fallback), settings)
    app, candidates = choose_app(index, args.app)
    if app is None:
        if args.app:
            return fail(f"no FastAPI app {args.app!r}; apps found: {', '.join(candidates) or 'none'}")
        if not candidates:
            return fail(f"no FastAPI app found under {args.path}")
        return fail(f"several FastAPI apps; choose one with --app: {', '.join(candidates)}")
    table = RouteTable(index)
    routes = table.routes(app)
    for module, include in table.unattached():
        # Never dropped silently: say where routers go that no table can place.
        sys.stderr.write(
            f"fastapi-conventions-lint: note: {module.path}:{include.call.lineno}: include_router on "
            f"`{ast.unparse(include.call.func.value)}`, which cannot be resolved statically: "  # type: ignore[attr-defined]
            "what it includes is not in the table\n"
        )
    if args.format == "json":
        sys.stdout.write(json.dumps(as_json(routes), indent=2) + "\n")
    else:
        sys.stdout.write(format_text(routes))
    return EXIT_CLEAN


