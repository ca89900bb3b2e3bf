"""The layers of chalicelib import only downwards, as the README's layout says.

http may use everything; use_cases the domain, storage and platform;
storage the domain and platform; the domain and the platform only
themselves. dependencies wires everything but http together, and only http
may import it. A view therefore never builds a storage key, and no use case
sees HTTP.
"""

import ast
from pathlib import Path

import pytest

CHALICELIB = Path(__file__).resolve().parents[2] / "chalicelib"
ALLOWED = {
    "http": {"http", "use_cases", "domain", "platform", "dependencies"},
    "use_cases": {"use_cases", "domain", "storage", "platform"},
    "storage": {"storage", "domain", "platform"},
    "domain": {"domain"},
    "platform": {"platform"},
    "dependencies": {"use_cases", "domain", "storage", "platform"},
}


def layer_of(path: Path) -> str:
    relative = path.relative_to(CHALICELIB)
    return relative.parts[0] if len(relative.parts) > 1 else relative.stem


def imported_layers(path: Path) -> set[str]:
    layers = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        else:
            continue
        for name in names:
            parts = name.split(".")
            if parts[0] == "chalicelib" and len(parts) > 1:
                layers.add(parts[1])
    return layers


MODULES = sorted(p for p in CHALICELIB.rglob("*.py") if p.name != "__init__.py")


@pytest.mark.parametrize("path", MODULES, ids=[str(p.relative_to(CHALICELIB)) for p in MODULES])
def test_each_module_imports_only_the_layers_below_it(path: Path) -> None:
    layer = layer_of(path)
    assert layer in ALLOWED, f"{path} is in no known layer"
    assert imported_layers(path) <= ALLOWED[layer]


def test_the_check_sees_a_forbidden_import(tmp_path: Path) -> None:
    module = tmp_path / "view.py"
    module.write_text("from chalicelib.storage.todo_keys import todo_key\n")
    assert "storage" in imported_layers(module)
    assert "storage" not in ALLOWED["http"]
