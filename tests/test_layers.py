"""The apps build on each other one way: records, jobs ← members ← contacts, governance ← alliance ← registry."""

import ast
from pathlib import Path

import pytest

from tests.conftest import ROOT

# Each app and the apps it may import; the project package may import every app and is imported by none.
LAYERS = {
    "records": set(),
    "jobs": set(),
    "members": {"records", "jobs"},
    "contacts": {"records", "jobs", "members"},
    "notices": {"records", "jobs", "members", "contacts"},
    "governance": {"records", "jobs", "members"},
    "alliance": {"records", "jobs", "members", "governance"},
    "registry": {"records", "jobs", "members", "contacts", "notices", "governance", "alliance"},
}


def imported_apps(path: Path) -> set[tuple[str, str]]:
    """(app, module) for every import of one of our apps in the file, at any depth of the code."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            modules = [node.module, *(f"{node.module}.{alias.name}" for alias in node.names)]
        elif isinstance(node, ast.Import):
            modules = [alias.name for alias in node.names]
        else:
            continue
        for module in modules:
            app = module.split(".")[0]
            if app in LAYERS:
                found.add((app, module))
    return found


def app_modules(app: str) -> list[Path]:
    return sorted((ROOT / app).rglob("*.py"))


@pytest.mark.parametrize("app", LAYERS)
def test_app_imports_only_the_apps_below_it(app):
    upward = [
        f"{path.relative_to(ROOT)} imports {module}"
        for path in app_modules(app)
        for imported, module in imported_apps(path)
        if imported != app and imported not in LAYERS[app]
    ]
    assert upward == []


def test_project_package_reaches_the_apps_views_only_through_its_urls():
    views = [
        f"{path.relative_to(ROOT)} imports {module}"
        for path in app_modules("registry")
        if path.name != "urls.py"
        for app, module in imported_apps(path)
        if app != "registry" and ".views" in module
    ]
    assert views == []


def test_every_app_migrates_from_at_most_three_files():
    for app in LAYERS:
        migrations = sorted((ROOT / app / "migrations").glob("0*.py"))
        assert len(migrations) <= 3, (app, migrations)
        assert not any("replaces" in path.read_text() for path in migrations)
