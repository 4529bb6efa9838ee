"""What the app imports is what `pip install .` installs: every third-party module the
package imports comes from a dependency pyproject.toml declares, or from one of theirs. (The
test extras install more, so a module missing here passes every other test and breaks
`./dev.sh app` on a clean machine: itsdangerous did.)"""

from __future__ import annotations

import ast
import sys
import tomllib
from importlib.metadata import PackageNotFoundError, packages_distributions, requires
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[2]


def _name(requirement: str) -> str:
    return canonicalize_name(Requirement(requirement).name)


def installed_by_the_app() -> set[str]:
    """The declared dependencies and, transitively, what they require: unconditionally, or
    for an extra that was asked for (``uvicorn[standard]``), on this platform."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    found: set[str] = set()
    todo = [Requirement(r) for r in project["dependencies"]]
    while todo:
        wanted = todo.pop()
        name = canonicalize_name(wanted.name)
        if name in found:
            continue
        found.add(name)
        try:
            needs = [Requirement(r) for r in requires(name) or []]
        except PackageNotFoundError:
            continue
        for need in needs:
            extras = wanted.extras or {""}
            if need.marker is None or any(need.marker.evaluate({"extra": e}) for e in extras):
                todo.append(need)
    return found


def imported_modules() -> dict[str, str]:
    """Top-level module → a file importing it, for every import in the package."""
    found: dict[str, str] = {}
    for path in sorted((ROOT / "kholieu").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                found.setdefault(name.split(".")[0], str(path.relative_to(ROOT)))
    return found


def test_every_imported_module_is_installed_by_the_app() -> None:
    app = installed_by_the_app()
    distributions = packages_distributions()
    missing = []
    for module, where in sorted(imported_modules().items()):
        if module in sys.stdlib_module_names or module in ("kholieu", "__future__"):
            continue
        dists = {_name(d) for d in distributions.get(module, [])}
        if not dists & app:
            missing.append(f"{module} ({where}; from {sorted(dists) or 'nothing installed'})")
    assert not missing, "imported but not a dependency of the app:\n" + "\n".join(missing)


def test_the_check_finds_an_undeclared_module() -> None:
    """pytest is installed (the test extra), never by the app: the check must see that."""
    distributions = packages_distributions()
    assert not {_name(d) for d in distributions["pytest"]} & installed_by_the_app()
