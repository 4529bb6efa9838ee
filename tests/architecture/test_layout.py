"""The layout's rules, checked on the source: low-level packages import no capability, only
the composition root and the CLI reach the whole ``Services``, routes never commit, nobody
asks which ObjectStore class they hold. Each rule fails on a violation (see the last tests)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2] / "kholieu"
LOW = ("config", "storage", "db", "jobs", "web", "files", "errors", "signing", "logs",
       "curriculum", "platform")  # fmt: skip
CAPABILITIES = ("accounts", "audit", "content", "video", "bank", "quiz", "classes", "space",
                "site", "demo", "cli",
                "services", "app", "capabilities")  # fmt: skip
SESSION_CALLS = ("commit", "rollback", "execute", "scalar", "scalars", "get", "add", "delete",
                 "query")  # fmt: skip
COMPOSITION = ("app.py", "services.py", "capabilities.py", "cli")
ROUTE_MODULES = ("api.py", "pages.py", "_api.py", "_pages.py", "browse.py", "health.py",
                 "objects.py", "docs.py")  # fmt: skip


def modules() -> list[Path]:
    return sorted(ROOT.rglob("*.py"))


def imports_of(source: str) -> list[tuple[int, str]]:
    """Every module ``source`` imports at run time (imports under TYPE_CHECKING are left out:
    they are for the type checker only)."""
    tree = ast.parse(source)
    skipped: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and ast.unparse(node.test) in (
            "TYPE_CHECKING",
            "typing.TYPE_CHECKING",
        ):
            skipped.update(id(child) for stmt in node.body for child in ast.walk(stmt))
    found = []
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found += [(node.lineno, node.module)]
            found += [(node.lineno, f"{node.module}.{alias.name}") for alias in node.names]
    return found


def package_of(path: Path) -> str:
    parts = path.relative_to(ROOT).parts
    return parts[0].removesuffix(".py")


def low_level_violations(files: dict[str, str]) -> list[str]:
    bad: dict[str, str] = {}  # one finding per line: the module it names first
    for name, source in files.items():
        if name.split("/")[0].removesuffix(".py") not in LOW:
            continue
        for line, module in imports_of(source):
            top = module.split(".")
            if top[0] == "kholieu" and len(top) > 1 and top[1] in CAPABILITIES:
                bad.setdefault(f"{name}:{line}", f"{name}:{line} imports {module}")
    return sorted(bad.values())


def sources() -> dict[str, str]:
    return {str(p.relative_to(ROOT)): p.read_text() for p in modules()}


def test_low_level_packages_import_no_capability():
    assert low_level_violations(sources()) == []


def test_only_the_composition_root_and_the_cli_import_services():
    bad = [
        f"{name}:{line}"
        for name, source in sources().items()
        if not name.startswith(COMPOSITION)
        for line, module in imports_of(source)
        if module == "kholieu.services" or module.startswith("kholieu.services.")
    ]
    assert bad == []


def test_route_modules_never_commit_or_query():
    bad = []
    for name, source in sources().items():
        if not name.endswith(ROUTE_MODULES):
            continue
        for node in ast.walk(ast.parse(source)):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and isinstance(node.func.value, ast.Name)
                and node.func.value.id == "session"
                and node.func.attr in SESSION_CALLS
            ):
                bad.append(f"{name}:{node.lineno} session.{node.func.attr}()")
    assert bad == []


def test_nobody_checks_which_store_class_they_hold():
    bad = [
        f"{name}:{node.lineno}"
        for name, source in sources().items()
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id == "isinstance"
        and any(cls in ast.unparse(node.args[1]) for cls in ("LocalStore", "S3Store"))
    ]
    assert bad == []


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("from kholieu.content.models import ContentItem\n", ["config.py:1 imports"]),
        ("def f():\n    import kholieu.quiz.service\n", ["config.py:2 imports"]),
        ("from kholieu import bank\n", ["config.py:1 imports kholieu.bank"]),
        ("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n"
         "    from kholieu.services import Services\n", []),
        ("from kholieu.storage import ObjectStore\n", []),
    ],
)  # fmt: skip
def test_the_import_rule_catches_a_violation(source: str, expected: list[str]):
    found = low_level_violations({"config.py": source})
    assert len(found) == len(expected)
    for line, prefix in zip(found, expected, strict=True):
        assert line.startswith(prefix)


def test_one_router_per_module():
    many = [name for name, source in sources().items() if source.count("= APIRouter(") > 1]
    assert many == []
