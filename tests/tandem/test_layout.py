"""The layout shows the architecture (docs/architecture.md, "Layout"): imports run one way,
from the project down to the kernel, and no modules import each other in a loop."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# Higher imports lower, never the other way round; one level may hold several apps, which
# then may not import each other either.
LEVELS = [
    {"tandem"},
    {"demo"},  # its `demo` command makes a group, a site and an agent's membership
    {"api", "agents", "siteconnect"},
    {"presence"},
    {"cobrowse"},
    {"core"},
]
LEVEL = {package: depth for depth, packages in enumerate(LEVELS) for package in packages}


def _modules() -> dict[str, Path]:
    found = {}
    for package in LEVEL:
        for path in (ROOT / package).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            name = ".".join(path.relative_to(ROOT).with_suffix("").parts)
            found[name.removesuffix(".__init__")] = path
    return found


def _imports(path: Path, modules: dict[str, Path]) -> set[str]:
    """The project modules `path` imports (`from a import b` counts as a.b when b is one)."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                child = f"{node.module}.{alias.name}"
                names.add(child if child in modules else node.module)
    return {name for name in names if name in modules}


def test_imports_run_from_the_project_down_to_the_kernel():
    modules = _modules()
    wrong = []
    for name, path in modules.items():
        here = name.split(".")[0]
        for imported in _imports(path, modules):
            there = imported.split(".")[0]
            if there != here and LEVEL[there] <= LEVEL[here]:
                wrong.append(f"{name} -> {imported}")
    assert wrong == []


def test_no_modules_import_each_other_in_a_loop():
    modules = _modules()
    graph = {name: _imports(path, modules) - {name} for name, path in modules.items()}
    loops = []
    state: dict[str, str] = {}

    def visit(name: str, trail: list[str]) -> None:
        state[name] = "open"
        for imported in sorted(graph[name]):
            if state.get(imported) == "open":
                loops.append(" -> ".join([*trail[trail.index(imported) :], imported]))
            elif imported not in state:
                visit(imported, [*trail, imported])
        state[name] = "done"

    for name in sorted(graph):
        if name not in state:
            visit(name, [name])
    assert loops == []
