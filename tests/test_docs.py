"""Conventions that keep the docs, the help and the error messages in step with the code.

In the spirit of sqlite-utils' tests/test_docs.py: every filter has its index column and
is documented in the CLI help, the README and the bot's help; every error code of the
search core has a message at both edges (the CLI and the bot).
"""

import ast
import contextlib
import io
import re
from pathlib import Path

import pytest
import sqlite_utils

from bot import texts
from index import cli
from index.errors import CODES, UNREADABLE_REASONS
from index.filters import FILTERS
from index.store import create_schema

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _search_help() -> str:
    out = io.StringIO()
    with contextlib.redirect_stdout(out), pytest.raises(SystemExit):
        cli.main(["search", "--help"])
    return out.getvalue()


@pytest.fixture(scope="module")
def documents_columns() -> set[str]:
    db = sqlite_utils.Database(memory=True)
    create_schema(db)
    return set(db["documents"].columns_dict)


@pytest.mark.parametrize("filter_", FILTERS, ids=lambda f: f.field)
def test_every_filter_has_its_column_and_is_documented(filter_, documents_columns):
    assert filter_.column in documents_columns and filter_.field in documents_columns
    cli_help, bot_help = _search_help(), texts.help_text("bot")
    for key in filter_.keys:
        assert f"{key}:" in cli_help
        assert f"{key}:" in bot_help
    assert filter_.help_example in README


@pytest.mark.parametrize("code", CODES)
def test_every_error_code_has_a_message_in_the_cli_and_the_bot(code):
    assert re.search(r"[\u4e00-\u9fff]", cli.MESSAGES[code])
    assert re.search(r"[\u4e00-\u9fff]", texts.ERROR_MESSAGES[code])


def test_error_codes_are_unique_snake_case():
    assert len(CODES) == len(set(CODES))
    assert all(re.fullmatch(r"[a-z]+(_[a-z]+)*", code) for code in CODES)


def test_no_message_for_a_code_that_does_not_exist():
    assert set(cli.MESSAGES) == set(CODES) == set(texts.ERROR_MESSAGES)


@pytest.mark.parametrize("code", list(UNREADABLE_REASONS))
def test_the_bot_explains_every_reader_reason(code):
    assert texts.reason(UNREADABLE_REASONS[code] + ": details").startswith(texts.ERROR_MESSAGES[code])


def test_the_bot_states_the_real_query_limit():
    from index.query import MAX_QUERY_CHARS

    assert f"{MAX_QUERY_CHARS} 字" in texts.query_error("too_long")


def test_readme_lists_every_module_of_the_search_core():
    for path in sorted((ROOT / "index").rglob("*.py")):
        if path.name in ("__init__.py", "__main__.py"):
            continue
        name = path.relative_to(ROOT / "index").as_posix()
        assert f"`{name}`" in README or f"`{path.parent.name}/`" in README, name


def _imports_of(path: Path, package: str) -> set[str]:
    """The modules of `index` that the module at `path` imports at its top level or anywhere."""
    module = package + "." + ".".join(path.relative_to(ROOT / "index").with_suffix("").parts)
    module = module.removesuffix(".__init__")
    base = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                parent = base.rsplit(".", node.level - 1)[0] if node.level > 1 else base
                target = f"{parent}.{node.module}" if node.module else parent
            else:
                target = node.module or ""
            names = [f"{target}.{alias.name}" for alias in node.names]
            # "from . import cleaning" imports index.cleaning; the package itself is
            # initialised before any of its modules anyway.
            found.update(names if node.module is None else [target, *names])
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


def test_no_import_cycle_inside_index():
    files = {}
    for path in (ROOT / "index").rglob("*.py"):
        name = "index." + ".".join(path.relative_to(ROOT / "index").with_suffix("").parts)
        files[name.removesuffix(".__init__")] = path
    graph = {name: {m for m in _imports_of(path, "index") if m in files and m != name} for name, path in files.items()}
    state: dict[str, int] = {}

    def visit(node: str, trail: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                raise AssertionError("import cycle: " + " -> ".join(trail[trail.index(nxt):] + [nxt]))
            if nxt not in state:
                visit(nxt, [*trail, nxt])
        state[node] = 2

    for name in sorted(graph):
        if name not in state:
            visit(name, [name])


def test_no_module_of_the_search_core_is_over_400_lines():
    long = {p.name: n for p in (ROOT / "index").rglob("*.py")
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > 400}
    assert long == {}
