"""The catalogs (polku/catalogs/fi.toml, en.toml) hold exactly the strings the code uses.

The code is read with `ast`, not run. A key is used when the code writes it out ("db.no_schema")
or builds it: an f-string or a "+" that starts with a constant and goes on with a value
(f"role.{role}", "kind." + kind) names a key family, "role.", whose keys are the family followed
by codes the code names (its string constants, the database's table and column names, the
fields its classes declare); a constant after a value (f"{title}.help") extends keys used
otherwise; "<key>.one" is the singular of a used key (i18n.plural_form). Families whose codes
come from a code list are checked against that list both ways.
"""

from __future__ import annotations

import ast
import re
import string
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import pytest

import models
from polku import exports, i18n
from polku.access import Permission
from polku.ingest import KINDS

ROOT = Path(__file__).resolve().parents[1]
FI, EN = i18n.CATALOGS["fi"], i18n.CATALOGS["en"]
# The code that shows strings (tests are not: a key only a test names is unused)
SOURCES = sorted(
    {
        ROOT / "streamlit_app.py",
        ROOT / "models.py",
        *ROOT.glob("app_pages/*.py"),
        *ROOT.glob("polku/**/*.py"),
        *ROOT.glob("benchmarks/*.py"),
        *ROOT.glob("scripts/*.py"),
    }
)
# A key or a family ("import.action."): lower-case words joined by dots
KEY = re.compile(r"[a-z][a-z0-9_]*(?:\.[a-z0-9_]+)+")
FAMILY = re.compile(r"[a-z][a-z0-9_]*(?:\.[a-z0-9_]+)*\.")
ENDING = re.compile(r"(?:\.[a-z][a-z0-9_]*)+")
# Dotted constants that are file names, not keys ("project.toml")
FILE_SUFFIXES = {"csv", "json", "md", "parquet", "png", "py", "sql", "svg", "toml", "xlsx", "zip"}
ONE = ".one"

# Families whose codes come from a code list: exactly one key per code
CODE_LISTS: dict[str, tuple[str, ...]] = {
    **{f"{code_set}.": codes for code_set, codes in i18n.CODE_SETS.items()},
    "access.denied.": tuple(permission.value for permission in Permission),
    "lang.": i18n.LANGUAGES,
    "kind.": tuple(KINDS),
    "import.about.": tuple(KINDS),
    "export.format.": tuple(exports.FORMATS),
}


@dataclass
class Code:
    """What the sources say about keys."""

    constants: dict[str, str] = field(default_factory=dict)  # constant -> where
    dict_keys: set[str] = field(default_factory=set)  # constants only ever a dict's keys
    names: set[str] = field(default_factory=set)  # every string constant and declared field
    families: dict[str, str] = field(default_factory=dict)  # "role." -> where
    # (family, ending) of keys built whole, f"export.format.{fmt}.help": ("export.format.", ".help")
    patterns: set[tuple[str, str]] = field(default_factory=set)
    endings: set[str] = field(default_factory=set)  # ".help" of f"{title}.help"
    t_calls: list[tuple[str, str, set[str]]] = field(default_factory=list)  # where, key, values
    pages: list[str] = field(default_factory=list)  # title keys of streamlit_app.PAGES


def _text(node: ast.AST | None) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def _pieces(node: ast.AST) -> Iterator[tuple[str | None, str | None]]:
    """(constant, None) before a value and (None, constant) after one, in f-strings and "+"."""
    if isinstance(node, ast.JoinedStr):
        for before, after in zip(node.values, node.values[1:], strict=False):
            if _text(before) is not None and isinstance(after, ast.FormattedValue):
                yield _text(before), None
            if isinstance(before, ast.FormattedValue) and _text(after) is not None:
                yield None, _text(after)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        yield _text(node.left), _text(node.right)


def _pattern(node: ast.AST) -> tuple[str, str] | None:
    """("role.", "") of f"role.{role}", ("export.format.", ".help") of f"export.format.{f}.help"."""
    parts = node.values if isinstance(node, ast.JoinedStr) else []
    if len(parts) in (2, 3) and isinstance(parts[1], ast.FormattedValue):
        head, tail = _text(parts[0]), _text(parts[2]) if len(parts) == 3 else ""
        if head and FAMILY.fullmatch(head) and tail is not None:
            return head, tail
    return None


@cache
def code() -> Code:
    found = Code()
    found.names |= {table.name for table in models.SQLModel.metadata.tables.values()}
    found.names |= {c.name for t in models.SQLModel.metadata.tables.values() for c in t.columns}
    written: set[str] = set()
    for path in SOURCES:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        dict_keys = {
            id(k) for node in ast.walk(tree) if isinstance(node, ast.Dict) for k in node.keys
        }
        for node in ast.walk(tree):
            where = f"{path.relative_to(ROOT)}:{getattr(node, 'lineno', 0)}"
            if (text := _text(node)) is not None:
                found.names.add(text)
                found.constants.setdefault(text, where)
                if id(node) in dict_keys:
                    found.dict_keys.add(text)
                else:
                    written.add(text)
            if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
                found.names.add(node.target.id)  # a declared field: a record's or a model's
            for head, tail in _pieces(node):
                if head and FAMILY.fullmatch(head):
                    found.families.setdefault(head, where)
                if tail and ENDING.fullmatch(tail):
                    found.endings.add(tail)
            if pattern := _pattern(node):
                found.patterns.add(pattern)
            if isinstance(node, ast.Call) and node.args and _text(node.args[0]) in FI:
                function = node.func
                name = getattr(function, "id", None) or getattr(function, "attr", None)
                if name == "t" and all(k.arg is not None for k in node.keywords):
                    values = {k.arg for k in node.keywords if k.arg is not None}
                    found.t_calls.append((where, str(_text(node.args[0])), values))
            if path.name == "streamlit_app.py" and isinstance(node, ast.AnnAssign | ast.Assign):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                if any(getattr(target, "id", None) == "PAGES" for target in targets):
                    # The page table: (path, title key, icon, url path, roles) per page
                    found.pages += [
                        str(_text(row.elts[1]))
                        for row in ast.walk(node.value or ast.Tuple())
                        if isinstance(row, ast.Tuple) and len(row.elts) > 2
                    ]
    found.dict_keys -= written
    return found


def _is_used(key: str) -> bool:
    found = code()
    if key in found.constants:
        return True
    if key.endswith(ONE) and key.removesuffix(ONE) in FI:
        return _is_used(key.removesuffix(ONE))
    for family, codes in CODE_LISTS.items():
        if key.startswith(family) and key.removeprefix(family) in codes:
            return True
    for family in found.families:
        rest = key.removeprefix(family)
        if key.startswith(family) and all(part in found.names for part in rest.split(".")):
            return True
    return any(
        key.endswith(ending) and _is_used(key.removesuffix(ending)) for ending in found.endings
    )


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def test_the_scan_finds_keys_families_and_pages() -> None:
    # The scan itself works: it finds what these tests rely on
    found = code()
    assert len(found.constants.keys() & FI.keys()) > 300
    assert {"role.", "access.denied.", "kind.", "import.action."} <= found.families.keys()
    assert ".help" in found.endings
    assert "page.overview" in found.pages
    assert len(found.t_calls) > 300


def test_both_catalogs_have_the_same_keys() -> None:
    assert sorted(FI.keys() - EN.keys()) == [], "missing in English"
    assert sorted(EN.keys() - FI.keys()) == [], "missing in Finnish"


def test_every_string_is_non_empty_and_has_the_same_placeholders_in_both_languages() -> None:
    for key, fi in FI.items():
        en = EN[key]
        assert fi.strip() and en.strip(), key
        assert _fields(fi) == _fields(en), key


def test_every_key_the_code_writes_out_is_in_the_catalogs() -> None:
    prefixes = {key.split(".")[0] for key in FI}
    missing = {
        text: where
        for text, where in code().constants.items()
        # A dict's keys may name other things: columns ("project.start_date"), tables
        if text not in code().dict_keys
        and KEY.fullmatch(text)
        and text.split(".")[0] in prefixes
        and text.rsplit(".")[-1] not in FILE_SUFFIXES
        and text not in FI
    }
    assert missing == {}


def test_every_key_family_has_keys() -> None:
    empty = {
        family: where
        for family, where in code().families.items()
        if family.split(".")[0] in {key.split(".")[0] for key in FI}
        and not any(key.startswith(family) for key in FI)
    }
    assert empty == {}


@pytest.mark.parametrize("family", sorted(CODE_LISTS))
def test_a_code_list_s_family_has_a_key_per_code_and_no_other(family: str) -> None:
    # Every way the code builds keys of the family, for every code of its list
    endings = {tail for head, tail in code().patterns if head == family}
    if family.removesuffix(".") in i18n.CODE_SETS:
        endings.add("")  # i18n.code_label(code_set, code)
    assert endings, "the code builds no key of this family"
    expected = {f"{family}{c}{ending}" for c in CODE_LISTS[family] for ending in endings}
    keys = {key for key in FI if key.startswith(family) and not key.endswith(ONE)}
    assert sorted(keys) == sorted(expected)


def test_every_page_has_a_title_and_a_tooltip_and_no_other_page_keys_exist() -> None:
    expected = {key for page in code().pages for key in (page, f"{page}.help")}
    assert expected <= FI.keys()
    assert {key for key in FI if key.startswith("page.")} == expected


def test_every_key_in_the_catalogs_is_used() -> None:
    assert sorted(key for key in FI if not _is_used(key)) == []


def test_every_t_call_fills_exactly_its_string_s_placeholders() -> None:
    # t() with a written-out key: the values given are the string's placeholders, no more
    wrong = [
        (where, key, sorted(values), sorted(_fields(FI[key])))
        for where, key, values in code().t_calls
        if values != _fields(FI[key])
    ]
    assert wrong == []
