"""How files become modules: the workspace a file belongs to, the names a file answers to, and
which file a name is from a given importer (project/layout.py)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Dict

import pytest

from conftest import parse_output, run_cli, run_flake8
from fastapi_conventions_lint.config import Settings
from fastapi_conventions_lint.project.layout import Layouts, from_roots, real_path


def tree(root: Path, files: Dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        if name.endswith("/"):
            path.mkdir(parents=True, exist_ok=True)
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


def layout_of(path: Path, settings: Settings = Settings()):
    return Layouts(lambda directory: settings).for_file(str(path))


def names(path: Path, settings: Settings = Settings()):
    return layout_of(path, settings).names_of(real_path(str(path)))


def test_the_workspace_is_the_topmost_packaging_folder_of_the_repository(tmp_path):
    root = tree(tmp_path / "repo", {
        ".git/": "", "pyproject.toml": "", "backend/pyproject.toml": "", "backend/app/main.py": "",
    })
    assert layout_of(root / "backend/app/main.py").top == real_path(str(root))


def test_a_repository_without_packaging_files_is_its_own_workspace(tmp_path):
    root = tree(tmp_path / "repo", {".git/": "", "users/app/__init__.py": "", "users/app/main.py": ""})
    layout = layout_of(root / "users/app/main.py")
    assert layout.top == real_path(str(root))
    assert real_path(str(root / "users/app/main.py")) in layout.files


def test_a_project_inside_a_repository_without_packaging_files_is_not_read_twice(tmp_path):
    """The repository's own workspace (its scripts) leaves out the projects in it that have a
    packaging file: their files are their workspace's (reading them again for the scripts
    took a third more time and memory on a monorepo of 500 k lines)."""
    root = tree(tmp_path / "repo", {
        ".git/": "", "scripts/seed.py": "", "server/pyproject.toml": "", "server/app/__init__.py": "",
        "server/app/main.py": "", "server/tests/test_main.py": "", "sdk/setup.py": "", "sdk/client.py": "",
    })
    scripts = layout_of(root / "scripts/seed.py")
    assert scripts.top == real_path(str(root))
    assert [Path(path).relative_to(scripts.top).as_posix() for path in scripts.files] == ["scripts/seed.py"]
    server = layout_of(root / "server/app/main.py")
    assert server.top == real_path(str(root / "server"))
    assert len(server.files) == 3
    assert names(root / "server/app/main.py")[0] == ("app.main", False)


def test_packaging_files_above_the_repository_root_do_not_count(tmp_path):
    tree(tmp_path, {"pyproject.toml": ""})
    root = tree(tmp_path / "repo", {".git/": "", "main.py": ""})
    assert layout_of(root / "main.py").top == real_path(str(root))


def test_a_loose_file_has_no_workspace_and_its_package_root_stands_for_it(tmp_path):
    tree(tmp_path, {"pkg/__init__.py": "", "pkg/mod.py": ""})
    layout = layout_of(tmp_path / "pkg/mod.py")
    assert layout.top is None and layout.files == []
    assert layout.home == os.path.realpath(tmp_path)
    assert names(tmp_path / "pkg/mod.py") == [("pkg.mod", False)]


def test_a_package_under_a_service_folder_is_named_from_that_folder(tmp_path):
    root = tree(tmp_path / "repo", {".git/": "", "users/app/__init__.py": "", "users/app/api/__init__.py": "",
                                    "users/app/api/deps.py": ""})
    assert names(root / "users/app/api/deps.py") == [("app.api.deps", False), ("users.app.api.deps", False)]
    assert names(root / "users/app/__init__.py")[0] == ("app", True)


def test_a_folder_without_init_inside_a_package_is_part_of_it(tmp_path):
    # src/dispatch/feedback has no __init__.py, but dispatch has: feedback is a namespace
    # portion of the dispatch package, and src is the root.
    root = tree(tmp_path / "repo", {".git/": "", "setup.py": "", "src/dispatch/__init__.py": "",
                                    "src/dispatch/feedback/incident/__init__.py": "",
                                    "src/dispatch/feedback/incident/views.py": ""})
    assert names(root / "src/dispatch/feedback/incident/views.py")[0] == (
        "dispatch.feedback.incident.views", False
    )


def test_modules_of_a_namespace_package_are_named_from_the_workspace(tmp_path):
    root = tree(tmp_path / "repo", {".git/": "", "capabilities/users/router.py": "", "tools/gen.py": ""})
    assert names(root / "capabilities/users/router.py") == [("capabilities.users.router", False)]
    assert names(root / "tools/gen.py") == [("tools.gen", False)]


def test_src_and_the_src_setting_are_import_roots(tmp_path):
    root = tree(tmp_path / "repo", {".git/": "", "pyproject.toml": "", "src/shop/__init__.py": "",
                                    "src/shop/app.py": "", "lib/plugins/billing.py": ""})
    assert names(root / "src/shop/app.py")[0] == ("shop.app", False)
    assert ("src.shop.app", False) in names(root / "src/shop/app.py")
    settings = Settings(root=root, src=("lib",))
    assert names(root / "lib/plugins/billing.py", settings)[0] == ("plugins.billing", False)
    assert names(root / "lib/plugins/billing.py")[0] == ("lib.plugins.billing", False)


def test_a_project_folder_holding_no_python_file_is_an_import_root(tmp_path):
    """`api/pyproject.toml` with all of its code in `api/app/` (no `__init__.py`): the service
    runs from `api/` and imports `app.routes.ocr`, as the repository's own package does not."""
    root = tree(tmp_path / "repo", {
        ".git/": "", "pyproject.toml": "", "doctr/__init__.py": "",
        "api/pyproject.toml": "", "api/app/main.py": "", "api/app/routes/ocr.py": "",
    })
    assert ("app.routes.ocr", False) in names(root / "api/app/routes/ocr.py")
    layout = layout_of(root / "api/app/main.py")
    assert layout.find("app.routes.ocr", real_path(str(root / "api/app/main.py"))) == (
        Path(real_path(str(root / "api/app/routes/ocr.py"))), False,
    )


def test_an_api_service_in_a_project_folder_links_its_routers(tmp_path, capsys):
    """The routers of such a service are included into its app: not dead (FCL009), and their
    tags come from the includes (FCL003 says so)."""
    root = tree(tmp_path / "repo", {
        ".git/": "", "pyproject.toml": "[project]\nname = 'ocr'\n", "ocr/__init__.py": "",
        "api/pyproject.toml": "",
        "api/app/main.py": (
            "from fastapi import FastAPI\n\nfrom app.routes import ocr\n\n"
            "app = FastAPI()\napp.include_router(ocr.router, prefix='/ocr', tags=['ocr'])\n"
        ),
        "api/app/routes/ocr.py": (
            "from fastapi import APIRouter\n\nrouter = APIRouter()\n\n\n"
            "@router.post('')\nasync def read_text() -> dict:\n    return {}\n"
        ),
    })
    code, out, err = run_cli(["check", "--no-cache", "--select", "FCL003,FCL009", str(root)], capsys)
    assert "FCL009" not in out, out
    assert "they are given at its include" in out, out


@pytest.mark.parametrize("relative", ["my-scripts/tool.py", "app/2fa.py", "app/api.v2.py", "my app/x.py"])
def test_a_path_that_cannot_be_imported_has_no_name(tmp_path, relative):
    root = tree(tmp_path / "repo", {".git/": "", relative: ""})
    assert names(root / relative) == []


def test_a_name_is_the_file_nearest_the_importer(tmp_path):
    root = tree(tmp_path / "repo", {
        ".git/": "",
        "users/app/__init__.py": "", "users/app/routes.py": "", "users/app/main.py": "",
        "items/app/__init__.py": "", "items/app/routes.py": "", "items/app/main.py": "",
    })
    layout = layout_of(root / "users/app/main.py")
    for service in ("users", "items"):
        found = layout.find("app.routes", real_path(str(root / service / "app/main.py")))
        assert found == (Path(real_path(str(root / service / "app/routes.py"))), False)


def test_a_package_wins_over_a_module_of_the_same_name(tmp_path):
    tree(tmp_path, {"src/users/__init__.py": "", "src/users.py": "", "src/users/router.py": ""})
    layout = from_roots([tmp_path / "src", tmp_path], Settings())
    assert layout.find("users") == (Path(real_path(str(tmp_path / "src/users/__init__.py"))), True)
    assert layout.find("users.router") == (Path(real_path(str(tmp_path / "src/users/router.py"))), False)
    assert layout.find("users.missing") is None
    assert layout.knows("users.router.anything") and not layout.knows("elsewhere.router")


def test_excluded_folders_are_not_part_of_the_workspace(tmp_path):
    root = tree(tmp_path / "repo", {".git/": "", "app/main.py": "", ".venv/lib/fastapi/routing.py": "",
                                    "migrations/env.py": ""})
    settings = Settings(root=root, extend_exclude=("migrations",))
    files = {Path(path).relative_to(real_path(str(root))).as_posix() for path in layout_of(root / "app/main.py", settings).files}
    assert files == {"app/main.py"}


def test_a_script_in_a_tests_folder_is_a_test_whatever_the_path_given(tmp_path, capsys, monkeypatch):
    """`tests/parity/fastapi-server.py` names no module (a hyphen), so no project lookup
    answers for it; where it sits in the project still makes it a test's, and FCL501 leaves
    its app alone: from the root, from its own folder, and in flake8. The same app outside
    `tests/` is reported."""
    app = 'from fastapi import FastAPI\n\napp = FastAPI(title="api")\n'
    tree(tmp_path, {
        "pyproject.toml": '[project]\nname = "svc"\n',  # no table of ours: no configured root
        "tests/parity/fastapi-server.py": app,
        "serve-api.py": app,
    })
    monkeypatch.chdir(tmp_path)
    _, out, _ = run_cli(["check", "--no-cache", "--select", "FCL501", "."], capsys)
    assert {Path(d.path).name for d in parse_output(out)} == {"serve-api.py"}
    monkeypatch.chdir(tmp_path / "tests" / "parity")
    _, out, _ = run_cli(["check", "--no-cache", "--select", "FCL501", "fastapi-server.py"], capsys)
    assert parse_output(out) == []
    flake8 = run_flake8(["--select", "FCL501", "serve-api.py", "tests/parity/fastapi-server.py"], cwd=tmp_path)
    assert [line.split(":")[0] for line in flake8.stdout.splitlines()] == ["serve-api.py"]
