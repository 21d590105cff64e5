"""Every staff page finds its object through ``staff.access`` and nothing else.

The views are read as source: the pages come from the URL resolver (a new staff page is
checked the day it is added), the modules from the ``staff`` folder.
"""

from __future__ import annotations

import ast
import inspect
import textwrap
from pathlib import Path

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

import staff
from staff import access

GETTERS = set(access.__all__)
STAFF_DIR = Path(staff.__file__).parent

# Views whose first statement is not the getter, and why.
GETTER_LATER = {
    # A coordinator is sent to their own dashboard; everyone else must be national.
    "staff.plan_views.home",
}

# Ways of reaching an object that bypass the getters (or write the national check again).
BYPASSES = {
    "get_object_or_404",
    "get_list_or_404",
    "force_object_or_404",
    "check_force",
    "readable_by",
    "reads_every_force",
    "can_edit_national_data",
}


def staff_views():
    def walk(patterns, namespace):
        for entry in patterns:
            if isinstance(entry, URLResolver):
                yield from walk(entry.url_patterns, entry.namespace or namespace)
            elif isinstance(entry, URLPattern) and namespace == "staff":
                yield inspect.unwrap(entry.callback)

    views = {
        f"{view.__module__}.{view.__qualname__}": view
        for view in walk(get_resolver().url_patterns, None)
    }
    return sorted(views.items())


def body(function) -> list[ast.stmt]:
    tree = ast.parse(textwrap.dedent(inspect.getsource(function)))
    statements = tree.body[0].body
    if isinstance(statements[0], ast.Expr) and isinstance(statements[0].value, ast.Constant):
        statements = statements[1:]  # the docstring
    return statements


def called_names(node: ast.AST) -> set[str]:
    return {
        call.func.id
        for call in ast.walk(node)
        if isinstance(call, ast.Call) and isinstance(call.func, ast.Name)
    }


STAFF_VIEWS = staff_views()


def test_the_staff_pages_are_found():
    assert len(STAFF_VIEWS) > 20
    assert "staff.deliverable_views.deliverable_edit" in dict(STAFF_VIEWS)


@pytest.mark.parametrize(("name", "view"), STAFF_VIEWS, ids=[name for name, _ in STAFF_VIEWS])
def test_every_staff_view_starts_with_a_getter_from_staff_access(name, view):
    statements = body(view)
    if name in GETTER_LATER:
        assert called_names(ast.Module(body=statements, type_ignores=[])) & GETTERS
    else:
        assert called_names(statements[0]) & GETTERS, (
            f"{name} must reach its object through staff.access on its first line"
        )


@pytest.mark.parametrize(
    "path", sorted(p for p in STAFF_DIR.glob("*.py") if p.name != "access.py"), ids=str
)
def test_no_staff_module_reaches_objects_another_way(path):
    tree = ast.parse(path.read_text())
    names = {node.id for node in ast.walk(tree) if isinstance(node, ast.Name)}
    names |= {node.attr for node in ast.walk(tree) if isinstance(node, ast.Attribute)}
    names |= {
        alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom)
        for alias in node.names
    }
    imported_from = {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    own_getters = {
        node.name
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef) and node.name.endswith("_for_user")
    }
    assert not names & BYPASSES
    assert "accounts.access" not in imported_from
    assert not own_getters
