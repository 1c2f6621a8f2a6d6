"""Every text exists in both languages, and every refusal code has a text."""

from __future__ import annotations

import ast
from pathlib import Path

from api.i18n import catalogue

ROOT = Path(__file__).resolve().parent.parent


def test_languages_have_the_same_keys():
    nb, en = catalogue("nb"), catalogue("en")
    for section in nb:
        assert set(nb[section]) == set(en[section]), section


def test_every_refusal_code_in_the_code_has_a_text():
    errors = catalogue("nb")["errors"]
    codes = set()
    for path in list((ROOT / "crisis").rglob("*.py")) + list((ROOT / "api").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id
                in {
                    "Refused",
                    "NotFound",
                    "Forbidden",
                    "Conflict",
                    "NotAuthenticated",
                    "TooManyAttempts",
                    "CrisisError",
                }
                and node.args
                and isinstance(node.args[0], ast.Constant)
            ):
                codes.add(node.args[0].value)
    assert codes, "found no refusal codes"
    assert codes <= set(errors), codes - set(errors)


def test_every_warning_code_in_the_domain_has_a_text():
    warnings = catalogue("nb")["warnings"]
    codes = set()
    for path in (ROOT / "crisis").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Dict):
                for key, value in zip(node.keys, node.values):
                    if (
                        isinstance(key, ast.Constant)
                        and key.value == "code"
                        and isinstance(value, ast.Constant)
                    ):
                        codes.add(value.value)
    assert codes, "found no warning codes"
    assert codes <= set(warnings), codes - set(warnings)
