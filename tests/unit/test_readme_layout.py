"""The README's layout section names every module and folder the project has."""

import re
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[2]


def layout_block() -> str:
    readme = (PROJECT / "README.md").read_text()
    section = readme.split("\n## Layout\n", 1)[1]
    return section.split("```", 2)[1]


def named_in(block: str) -> set[str]:
    return set(re.findall(r"[\w./-]+", block))


def test_every_module_of_chalicelib_and_infra_is_in_the_layout() -> None:
    names = named_in(layout_block())
    modules = [
        path
        for folder in ("chalicelib", "infra")
        for path in (PROJECT / folder).rglob("*")
        if path.suffix in {".py", ".json", ".sh"} and path.name != "__init__.py"
    ]
    missing = sorted(str(p.relative_to(PROJECT)) for p in modules if p.name not in names)
    assert missing == []


def test_every_folder_of_chalicelib_is_in_the_layout() -> None:
    names = named_in(layout_block())
    folders = [
        p for p in (PROJECT / "chalicelib").iterdir() if p.is_dir() and p.name != "__pycache__"
    ]
    folders += [p for f in folders for p in f.iterdir() if p.is_dir() and p.name != "__pycache__"]
    missing = sorted(p.name for p in folders if f"{p.name}/" not in names)
    assert missing == []
