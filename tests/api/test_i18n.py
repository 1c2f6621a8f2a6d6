"""Every text exists in both languages, and every refusal code has a text."""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

from api.inquiries import ChannelLoad
from crisis.incidents.model import PHASES, SEVERITIES
from crisis.inquiries.model import CATEGORIES
from crisis.people.model import Role
from crisis.rumours.model import ASSESSMENTS
from projections.board import handled
from web.texts import LANGUAGES, catalogue

ROOT = Path(__file__).resolve().parents[2]


def test_languages_have_the_same_keys():
    nb, en = catalogue("nb"), catalogue("en")
    for section in nb:
        assert set(nb[section]) == set(en[section]), section


def test_every_refusal_code_in_the_code_has_a_text():
    errors = catalogue("nb")["errors"]
    codes = set()
    packages = ("crisis", "access", "server", "reports", "api")
    for path in (p for package in packages for p in (ROOT / package).rglob("*.py")):
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
                    "Unavailable",
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
                for key, value in zip(node.keys, node.values, strict=True):
                    if (
                        isinstance(key, ast.Constant)
                        and key.value == "code"
                        and isinstance(value, ast.Constant)
                    ):
                        codes.add(value.value)
    assert codes, "found no warning codes"
    assert codes <= set(warnings), codes - set(warnings)


def test_the_board_has_a_label_for_every_value_it_names():
    """The board page makes label keys from values in the board doc (an event, a
    role, a category, a status ...); a missing label would show the raw key."""
    script = (ROOT / "web" / "static" / "board.js").read_text()

    def listed(name: str) -> list[str]:
        return re.findall(r'"(\w+)"', re.search(rf"const {name} = \[(.*?)\];", script, re.S)[1])

    assert set(listed("LOAD_FIELDS")) - {"oldest_waiting"} <= set(ChannelLoad.model_fields)
    keys = {f"did_{kind.__qualname__}" for kind in handled()}
    keys |= {f"role_{role.value}" for role in Role}
    keys |= {f"category_{category}" for category in CATEGORIES}
    keys |= {f"assessment_{assessment}" for assessment in ASSESSMENTS}
    keys |= {f"phase_{phase}" for phase in PHASES} | {f"severity_{s}" for s in SEVERITIES}
    keys |= {f"facts_{status}" for status in listed("FACT_ORDER")}
    keys |= {
        f"{prefix}_{status}" for status in listed("POST_ORDER") for prefix in ("posts", "status")
    }
    keys |= {f"fact_change_{change}" for change in ("submitted", "corrected", "withdrawn")}
    keys |= {f"load_{field}" for field in listed("LOAD_FIELDS")}
    for lang in LANGUAGES:
        assert not keys - set(catalogue(lang)["ui"]), lang


def test_an_area_file_does_not_redefine_another_areas_text():
    """The area files are merged into one catalogue: the same key with two texts
    means one area silently gets the other's."""
    for lang in LANGUAGES:
        seen: dict[str, tuple[str, str]] = {}
        for path in sorted((ROOT / "web" / "i18n" / lang).glob("*.json")):
            for section, texts in json.loads(path.read_text(encoding="utf-8")).items():
                for key, text in texts.items():
                    first = seen.setdefault(f"{section}.{key}", (path.name, text))
                    assert first[1] == text, f"{lang} {section}.{key}: {first[0]} and {path.name}"
