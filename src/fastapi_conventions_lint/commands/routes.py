"""`routes`: the application's static route table, without importing it."""

from __future__ import annotations

import argparse
import os
import shutil
import sys
from pathlib import Path
from typing import List

from fastapi_conventions_lint import compact_tree, engine, gitignore
from fastapi_conventions_lint.commands.common import EXIT_CLEAN, fail, warn
from fastapi_conventions_lint.config import SettingsFinder, load_settings
from fastapi_conventions_lint.discover import discover, shared_walks, walk
from fastapi_conventions_lint.selection import CodeSelection


def load_project(path: str, config: "str | None"):
    """(settings, layout, index) of the project `path` is in, the index completed with every
    module of its workspace (read with `ast`, never imported)."""
    from fastapi_conventions_lint.project.constants import with_configured_prefixes
    from fastapi_conventions_lint.project_pass import Projects, complete

    finder = SettingsFinder(warn=warn)
    fixed = load_settings(Path(config), warn=warn) if config else None

    def settings_for(directory: str):
        return fixed or finder.for_directory(Path(directory).resolve())

    projects = Projects(settings_for)
    anchor = os.path.join(path, "__init__.py") if os.path.isdir(path) else path
    layout = projects.layout_for(anchor)
    settings = settings_for(os.path.dirname(os.path.abspath(anchor)))
    near = str(settings.root) if settings.root is not None else layout.home
    from fastapi_conventions_lint.project.versions import with_declared_versions

    settings = with_declared_versions(with_configured_prefixes(settings, layout, near), layout)
    index = projects.index_for(anchor, settings)
    selection = CodeSelection.from_settings(settings)
    if layout.top is None:  # loose files: those under the path
        for found, explicit in discover([path], lambda _: (settings.exclude + settings.extend_exclude, None)):
            analysis = engine.analyse_path(
                found, settings, selection, explicit=explicit, lookup=index.lookup_for_path(Path(found)),
                compact=compact_tree.pays_off(layout),
            )
            if analysis.facts is not None:
                index.add(Path(found), analysis.facts)
    complete(index, everything=True)
    return settings, layout, index


def _projects_below(path: str, settings, layout) -> List[str]:
    """The workspaces of the Python files under a folder but outside its own workspace: the
    projects (each with a packaging file) of a repository whose root has none."""
    if layout.top is None or not os.path.isdir(path):
        return []
    from fastapi_conventions_lint.project.layout import Layouts

    layouts = Layouts(lambda directory: settings)
    patterns = tuple(settings.exclude) + tuple(settings.extend_exclude)
    config_root = str(settings.root) if settings.root is not None else None
    tops: List[str] = []
    for found in walk(path, patterns, set(), config_root, respect_gitignore=settings.respect_gitignore, reuse=True):
        top = layouts.workspace_of(found)
        if top is not None and top != layout.top and top not in tops:
            tops.append(top)
    return tops


_LISTED_APPS = 10  # the candidates an ambiguous `routes` names


def _choose(args: argparse.Namespace):
    """(settings, layout, index, the app or None, the names of the apps found) for the path
    given: its project's app, else, for a folder above several projects, theirs."""
    from fastapi_conventions_lint.project.routes import choose_app

    within = os.path.abspath(args.path)
    settings, layout, index = load_project(args.path, args.config)
    app, candidates = choose_app(index, args.app, within=within)
    if app is not None or candidates:
        return settings, layout, index, app, candidates
    found = []
    for top in _projects_below(args.path, settings, layout):
        project = load_project(top, args.config)
        chosen, names = choose_app(project[2], args.app, within=within)
        if names:
            found.append((project, chosen, names))
    chosen_in = [item for item in found if item[1] is not None]
    names = [name for _, _, project_names in found for name in project_names]
    if len(found) == 1 or (args.app and len(chosen_in) == 1):
        (settings, layout, index), app, _ = found[0] if len(found) == 1 else chosen_in[0]
        return settings, layout, index, app, names
    return settings, layout, index, None, names


def run_routes(args: argparse.Namespace) -> int:
    """The route table of the app of the project a path is in, whichever directory of the
    project (or file) the path names."""
    import ast
    import json

    from fastapi_conventions_lint.project.routes import RouteTable, as_json, format_markdown, format_text

    if args.format == "github" and not args.check:
        return fail("--format github goes with --check (annotations for each API change)")
    if not os.path.exists(args.path):
        return fail(f"{args.path}: no such file or directory")
    with gitignore.shared(), shared_walks():  # each ignore file read, each tree walked, once
        settings, layout, index, app, candidates = _choose(args)
    if app is None:
        if args.app:
            return fail(f"no FastAPI app {args.app!r}; apps found: {', '.join(candidates) or 'none'}")
        if not candidates:
            return fail(f"no FastAPI app found under {args.path}")
        # The likelier first (project/routes.py choose_app); a long list of tests' apps is cut.
        shown = ", ".join(candidates[:_LISTED_APPS])
        more = len(candidates) - _LISTED_APPS
        if more > 0:
            shown += f" and {more} more (an --app that names none lists them all)"
        return fail(f"several FastAPI apps; choose one with --app: {shown}")
    table = RouteTable(index, detail=True)
    routes = table.routes(app)
    unattached = list(table.unattached())
    for module, include in unattached if args.verbose else ():
        # Never dropped silently: say where routers go that no table can place.
        sys.stderr.write(
            f"fastapi-conventions-lint: note: {module.path}:{include.call.lineno}: include_router on "
            f"`{ast.unparse(include.call.func.value)}`, which cannot be resolved statically: "  # type: ignore[attr-defined]
            "what it includes is not in the table\n"
        )
    if unattached and not args.verbose:
        count = len(unattached)
        sys.stderr.write(
            f"fastapi-conventions-lint: note: {count} include_router call{'s' if count != 1 else ''} "
            "on a receiver that cannot be resolved statically: what they include is not in the "
            "table (-v names them)\n"
        )
    if args.check:
        return _check_snapshot(args.check, as_json(routes), args.format)
    if args.format == "json":
        sys.stdout.write(json.dumps(as_json(routes), indent=2) + "\n")
    elif args.format == "markdown":
        sys.stdout.write(format_markdown(routes))
    else:
        from fastapi_conventions_lint.report.text import is_terminal

        # On a terminal the table fits its width; piped, every cell is whole.
        width = shutil.get_terminal_size().columns if is_terminal(sys.stdout) else None
        table_text = format_text(routes, width)
        sys.stdout.write(table_text.text)
        loose = sum(1 for route in routes if not route.resolved)
        sys.stdout.write(
            f"\n{len(routes)} route{'s' if len(routes) != 1 else ''} in {app.var or 'the app'}"
            + (f" ({loose} not static)" if loose else "") + ".\n"
        )
        if table_text.left_out or table_text.cut:
            hidden = " and ".join(table_text.left_out)
            sys.stdout.write(
                (f"{hidden} left out" if hidden else "Cells cut")
                + (" and cells cut" if hidden and table_text.cut else "")
                + f" to fit {width} columns: piped output, --format markdown or json has them all.\n"
            )
    return EXIT_CLEAN


def _check_snapshot(snapshot: str, current: list, output_format: str) -> int:
    """Compare the table with the snapshot; print each change; exit 1 when there is one."""
    from fastapi_conventions_lint.commands.common import EXIT_VIOLATIONS, plural
    from fastapi_conventions_lint.project.snapshot import SnapshotError, compare, read_snapshot
    from fastapi_conventions_lint.report.common import display_path, printable
    from fastapi_conventions_lint.report.github import escape_data, escape_property

    try:
        changes = compare(read_snapshot(snapshot), current)
    except SnapshotError as error:
        return fail(str(error))
    if not changes:
        sys.stdout.write(f"{snapshot}: the routes match the snapshot\n")
        return EXIT_CLEAN
    for change in changes:
        if output_format == "github":
            where = change.after if change.after is not None else None
            if where is not None and where.file:
                place = f"file={escape_property(display_path(where.file))},line={where.line}"
            else:
                place = f"file={escape_property(display_path(snapshot))}"
            sys.stdout.write(f"::error {place},title=API change::{escape_data(printable(change.describe()))}\n")
        else:
            sys.stdout.write(printable(change.describe()) + "\n")
    if output_format != "github":
        sys.stdout.write(
            f"{snapshot}: {plural(len(changes), 'change')} to the API; when intended, update the "
            f"snapshot: fastapi-conventions-lint routes --format json > {snapshot}\n"
        )
    return EXIT_VIOLATIONS
