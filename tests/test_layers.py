"""The layers reach one way: each package imports only those below it, by
import or in a string (a topic such as "access.keystore:KeyStore" resolved at
run time reaches up just the same), so nothing below `api/` names `api`."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# Each package and the packages of ours it may import (besides itself).
MAY_IMPORT = {
    "crisis": set(),
    "web": set(),
    "projections": {"crisis"},
    "access": {"crisis"},
    "reports": {"crisis", "projections", "web"},
    "server": {"crisis", "projections", "access"},
}
OURS = {*MAY_IMPORT, "api", "bench", "tests"}
MODULE_PATH = re.compile(r"^([a-z_]+)[.:][A-Za-z_]")


def imports(tree: ast.AST) -> set[str]:
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


def strings(tree: ast.AST) -> set[str]:
    """String constants, docstrings left out (prose may mention `api`)."""
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    return {
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in docstrings
    }


def modules(package: str) -> list[Path]:
    return sorted((ROOT / package).rglob("*.py"))


@pytest.mark.parametrize("package", sorted(MAY_IMPORT))
def test_a_package_imports_only_the_layers_below_it(package):
    for path in modules(package):
        tree = ast.parse(path.read_text(), str(path))
        reached = {m.split(".")[0] for m in imports(tree)} & OURS
        wrong = reached - MAY_IMPORT[package] - {package}
        assert not wrong, f"{path.relative_to(ROOT)} imports {sorted(wrong)}"
        named = {s for s in strings(tree) if _reaches(s, MAY_IMPORT[package] | {package})}
        assert not named, f"{path.relative_to(ROOT)} names {sorted(named)}"


def _reaches(text: str, allowed: set[str]) -> bool:
    match = MODULE_PATH.match(text)
    return match is not None and match.group(1) in OURS - allowed


def test_the_check_sees_an_import_and_a_topic_that_reach_up():
    tree = ast.parse('import api.deps\nTOPIC = "api.keystore:KeyStore"\n')
    assert imports(tree) == {"api.deps"}
    assert [s for s in strings(tree) if _reaches(s, {"crisis"})] == ["api.keystore:KeyStore"]
    assert not _reaches("crisis.facts.model:Fact", {"crisis"})
