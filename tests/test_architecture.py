"""The package's layers (docs/architecture.md): a lower layer never imports an upper one.

Every ``import`` and ``from ... import`` in the package is read from the source (including
imports inside functions), so a lazy import cannot hide a wrong direction.
"""

from __future__ import annotations

import ast
from pathlib import Path

SIM = Path(__file__).resolve().parent.parent / "sim"
LAYERS = ("config", "world", "engine", "io", "analysis", "ensemble", "report", "cli")
"""Bottom to top: a module may import its own layer and the layers below it."""
SHARED = {"sim", "sim.errors", "sim.data"}
"""Importable from every layer: the version, the one error type and the data folder."""
MAX_LINES = 400
MAX_TOP_LEVEL_MODULES = 6


def layer_of(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[0] == "sim" and parts[1] in LAYERS else None


def module_name(path: Path) -> str:
    rel = path.relative_to(SIM.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def imports(path: Path, module: str | None = None) -> list[tuple[int, str]]:
    """(line, module) of every import in the file; ``module`` is the file's dotted name."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    module = module or module_name(path)
    package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out += [(node.lineno, a.name) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative import
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                mod = ".".join(base + ([node.module] if node.module else []))
            else:
                mod = node.module or ""
            out.append((node.lineno, mod))
            if mod in ("sim", "sim.report", "sim.engine", "sim.io", "sim.world", "sim.config",
                       "sim.analysis", "sim.ensemble", "sim.cli"):
                out += [(node.lineno, f"{mod}.{a.name}") for a in node.names]
    return out


def package_modules() -> list[Path]:
    return sorted(p for p in SIM.rglob("*.py") if "data" not in p.relative_to(SIM).parts[:1])


def violations(path: Path, module: str | None = None) -> list[str]:
    module = module or module_name(path)
    own = layer_of(module)
    if own is None:
        return []
    wrong = []
    for line, mod in imports(path, module):
        if not mod.startswith("sim") or mod in SHARED:
            continue
        other = layer_of(mod)
        if other is not None and LAYERS.index(other) > LAYERS.index(own):
            wrong.append(f"{module}:{line} ({own}) imports {mod} ({other})")
    return wrong


def test_lower_layers_never_import_upper_ones():
    wrong = [v for path in package_modules() for v in violations(path)]
    assert not wrong, "layer violations:\n" + "\n".join(wrong)


def test_layers_are_folders_and_the_top_level_is_thin():
    folders = [p.name for p in SIM.iterdir() if p.is_dir() and (p / "__init__.py").exists()]
    assert set(LAYERS) <= set(folders)
    top = [p.name for p in SIM.glob("*.py")]
    assert len(top) <= MAX_TOP_LEVEL_MODULES, top


def test_no_module_is_over_400_lines():
    long = {str(p.relative_to(SIM.parent)): n for p in package_modules()
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert not long, f"modules over {MAX_LINES} lines (split them by idea): {long}"


def test_the_data_build_script_is_not_in_the_package():
    assert not list(SIM.rglob("build_*.py"))


def test_the_checker_sees_a_wrong_direction(tmp_path):
    """The test above could pass by reading nothing: show it catches planted imports."""
    bad = tmp_path / "planted.py"
    bad.write_text("from sim.report import console\n\ndef f():\n    from ..cli import main\n"
                   "    import sim.analysis.indicators\n")
    found = violations(bad, "sim.engine.planted")
    assert {int(v.split(":")[1].split()[0]) for v in found} == {1, 4, 5}, found
    assert violations(bad, "sim.cli.planted") == []
