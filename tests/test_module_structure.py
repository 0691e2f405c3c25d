"""The package's modules, read with ``ast``: no import cycle, and no private name used across modules.

Every import counts, wherever it is written: at the top of a module, inside a
function, or under ``if TYPE_CHECKING:``. A module's own ancestor packages are
not counted as imported (Python runs them first for every module in them)
unless a name defined in one is imported from it (``from .. import __version__``).
A private name is one that starts with a single underscore; a module may use its
own, never another module's (``from .render import _para``, ``render._para``).

Every module is held to all of this and to at most 500 lines, and the parts of the
package to the layering ``docs/architecture.md`` draws: records and rules at the
bottom, reading one file above them, then linking and loading, then what the site
computes; what is reused from an earlier build only where a long-lived process or
``kb check`` asks for it; and Sphinx only in the extension (and the CLI that runs it).
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "knowledgebase"
EXTENSION = "knowledgebase.sphinxext"
MAX_LINES = 500


@dataclass(frozen=True)
class Use:
    user: str
    owner: str
    name: str
    line: int

    def __str__(self) -> str:
        return f"{self.user}:{self.line} uses {self.owner}.{self.name}"


@dataclass
class Package:
    """Every module of a package, what each imports of it, and the private names used across modules."""

    modules: dict[str, Path]
    graph: dict[str, set[str]]
    private: list[Use]

    @classmethod
    def read(cls, root: Path) -> "Package":
        modules = {module_name(root, p): p for p in sorted(root.rglob("*.py"))}
        package = cls(modules, {}, [])
        for name in modules:
            package.graph[name], uses = package.imports(name)
            package.private.extend(uses)
        return package

    def is_package(self, name: str) -> bool:
        return self.modules[name].name == "__init__.py"

    def resolve(self, importer: str, level: int, module: str | None) -> str:
        """The absolute name of ``from <level dots><module> import ...`` written in ``importer``."""
        if level == 0:
            return module or ""
        base = importer.split(".") if self.is_package(importer) else importer.split(".")[:-1]
        base = base[: len(base) - (level - 1)]
        return ".".join(base + ([module] if module else []))

    def imports(self, name: str) -> tuple[set[str], list[Use]]:
        """The package modules ``name`` imports, and the private names of other modules it uses."""
        tree = ast.parse(self.modules[name].read_text(encoding="utf-8"), str(self.modules[name]))
        ancestors = {".".join(name.split(".")[:i]) for i in range(1, name.count(".") + 1)}
        imported: set[str] = set()
        private: list[Use] = []
        aliases: dict[str, str] = {}  # local name -> the package module it stands for

        def depend(target: str) -> None:
            if target in self.modules and target != name and target not in ancestors:
                imported.add(target)

        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.name in self.modules:
                        depend(alias.name)
                        if alias.asname:
                            aliases[alias.asname] = alias.name
            elif isinstance(node, ast.ImportFrom):
                source = self.resolve(name, node.level, node.module)
                if source not in self.modules:
                    continue
                for alias in node.names:
                    submodule = f"{source}.{alias.name}"
                    if submodule in self.modules:
                        depend(submodule)
                        aliases[alias.asname or alias.name] = submodule
                        continue
                    if source in ancestors:  # a name defined in an ancestor package's __init__
                        imported.add(source)
                    else:
                        depend(source)
                    if is_private(alias.name):
                        private.append(Use(name, source, alias.name, node.lineno))
        for node in ast.walk(tree):
            if (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
                    and node.value.id in aliases and is_private(node.attr)):
                private.append(Use(name, aliases[node.value.id], node.attr, node.lineno))
        return imported, private

    def cycles(self) -> list[list[str]]:
        """Every strongly connected group of two or more modules (Tarjan's algorithm), each sorted."""
        index: dict[str, int] = {}
        low: dict[str, int] = {}
        stack: list[str] = []
        on_stack: set[str] = set()
        found: list[list[str]] = []

        def visit(node: str) -> None:
            index[node] = low[node] = len(index)
            stack.append(node)
            on_stack.add(node)
            for target in sorted(self.graph[node]):
                if target not in index:
                    visit(target)
                    low[node] = min(low[node], low[target])
                elif target in on_stack:
                    low[node] = min(low[node], index[target])
            if low[node] == index[node]:
                group = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.append(member)
                    if member == node:
                        break
                if len(group) > 1:
                    found.append(sorted(group))

        for node in sorted(self.graph):
            if node not in index:
                visit(node)
        return sorted(found)


def module_name(root: Path, path: Path) -> str:
    parts = list(path.relative_to(root.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def is_private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def in_extension(name: str) -> bool:
    return name == EXTENSION or name.startswith(EXTENSION + ".")


@pytest.fixture(scope="module")
def package() -> Package:
    return Package.read(PACKAGE)


def test_the_extension_is_in_no_import_cycle(package):
    assert [group for group in package.cycles() if any(in_extension(m) for m in group)] == []


def test_the_extension_uses_no_private_name_of_another_module_and_no_other_module_uses_its_own(package):
    assert [str(u) for u in package.private if in_extension(u.user) or in_extension(u.owner)] == []


def test_no_module_of_the_extension_is_over_500_lines(package):
    long = {name: n for name, path in package.modules.items() if in_extension(name)
            and (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert long == {}


def test_the_rest_of_the_package_is_in_no_import_cycle(package):
    assert [group for group in package.cycles() if not any(in_extension(m) for m in group)] == []


def test_the_rest_of_the_package_uses_no_private_name_of_another_module(package):
    assert [str(u) for u in package.private if not (in_extension(u.user) or in_extension(u.owner))] == []


def test_no_module_of_the_package_is_over_500_lines(package):
    long = {name: n for name, path in package.modules.items()
            if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert long == {}


# The layers, bottom up: a module may import its own layer's and any lower layer's modules.
RECORDS = {"knowledgebase", "knowledgebase.model", "knowledgebase.schema", "knowledgebase.diagnostics",
           "knowledgebase.characters", "knowledgebase.sitepages", "knowledgebase.suggest", "knowledgebase.files",
           "knowledgebase.collector", "knowledgebase.citation"}


def part(name: str) -> str:
    """Which part of the package a module belongs to, as the architecture guide names them."""
    if name in RECORDS:
        return "records"
    if name == "knowledgebase.__main__":  # `python -m knowledgebase` runs the CLI
        return "cli"
    for prefix, label in (("knowledgebase.reading", "reading"), ("knowledgebase.reuse", "reuse"),
                          ("knowledgebase.cli", "cli"), (EXTENSION, "extension")):
        if name == prefix or name.startswith(prefix + "."):
            return label
    return "engine"


ALLOWED = {
    "records": {"records"},
    "reading": {"records", "reading"},
    "engine": {"records", "reading", "engine"},
    "reuse": {"records", "reading", "engine", "reuse"},
    "cli": {"records", "reading", "engine", "reuse", "cli", "extension"},
    "extension": {"records", "reading", "engine", "reuse", "cli", "extension"},
}


def test_each_part_of_the_package_imports_only_the_parts_below_it(package):
    wrong = sorted(f"{name} imports {target}" for name, targets in package.graph.items() for target in targets
                   if part(target) not in ALLOWED[part(name)])
    assert wrong == []


def test_the_engine_never_imports_sphinx(package):
    found = []
    for name, path in package.modules.items():
        if part(name) in ("cli", "extension"):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            modules = [a.name for a in node.names] if isinstance(node, ast.Import) else \
                [node.module or ""] if isinstance(node, ast.ImportFrom) and node.level == 0 else []
            found += [f"{name}:{node.lineno} imports {m}" for m in modules
                      if m.split(".")[0] in ("sphinx", "sphinx_design")]
    assert found == []


def test_the_checks_see_imports_in_functions_and_under_type_checking_and_private_names_both_ways(tmp_path):
    root = tmp_path / "knowledgebase"
    (root / "sphinxext").mkdir(parents=True)
    (root / "__init__.py").write_text('__version__ = "1"\n')
    (root / "engine.py").write_text("_table = {}\n")
    (root / "sphinxext" / "__init__.py").write_text("from . import a\n")
    (root / "sphinxext" / "a.py").write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from .b import B\nfrom .. import __version__\n")
    (root / "sphinxext" / "b.py").write_text(
        "def f():\n    from . import a\n    return a._x\nfrom .c import _y\nimport knowledgebase.engine as e\n"
        "e._table\n")
    (root / "sphinxext" / "c.py").write_text("_y = 1\n")
    package = Package.read(root)
    assert package.cycles() == [["knowledgebase.sphinxext.a", "knowledgebase.sphinxext.b"]]
    assert package.graph["knowledgebase.sphinxext.a"] == {"knowledgebase", "knowledgebase.sphinxext.b"}
    assert sorted(map(str, package.private)) == ["knowledgebase.sphinxext.b:3 uses knowledgebase.sphinxext.a._x",
                                                 "knowledgebase.sphinxext.b:4 uses knowledgebase.sphinxext.c._y",
                                                 "knowledgebase.sphinxext.b:6 uses knowledgebase.engine._table"]
