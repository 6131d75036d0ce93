"""A new scenario from a template (``idlib-sim new``): the file copied as text, so its comments
and sources stay, with a new ``name:`` (results are filed by name, so a copy that kept the
old one would write into the original's results folder) and its relative paths (``extends:``,
a region folder) still pointing where they did.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from sim.config.loading import _is_shipped_region, read_scenario
from sim.errors import InputError
from sim.io.atomic import write_text

NAME = re.compile(r"^[A-Za-z0-9_\-]+$")
TOP_LEVEL = r"^{key}:[^\n]*$"


def copy_scenario(template: str | Path, name: str, target: str | Path) -> Path:
    """Write ``template`` as ``target`` named ``name``; return the path. Nothing is overwritten."""
    template, target = Path(template), Path(target)
    if not NAME.match(name):
        raise InputError(f"{name!r} is not a scenario name; use letters, digits, _ and - only",
                         field="NAME")
    if target.suffix not in (".yaml", ".yml"):
        raise InputError("give a .yaml file to write", where=str(target), field="--to")
    if target.exists():
        raise InputError("exists already; pick another name or --to, or delete the file",
                         where=str(target))
    sc = read_scenario(template)                         # a broken template fails here
    if sc.name == name:
        raise InputError(f"the template is already named {name!r}; give the copy its own name",
                         field="NAME")
    text = template.read_text(encoding="utf-8")
    text = _set_top_level(text, "name", name)
    moved = target.resolve().parent != template.resolve().parent
    if moved:
        text = _repoint(text, "extends", template.parent, target.parent)
        if not _is_shipped_region(_top_level(text, "region") or "idlib"):
            text = _repoint(text, "region", template.parent, target.parent)
    target.parent.mkdir(parents=True, exist_ok=True)
    write_text(target, text)
    try:
        read_scenario(target)
    except InputError:
        target.unlink(missing_ok=True)
        raise
    return target


def _top_level(text: str, key: str) -> str | None:
    m = re.search(TOP_LEVEL.format(key=key), text, flags=re.MULTILINE)
    if m is None:
        return None
    value = m.group(0).split(":", 1)[1].split(" #", 1)[0].strip()
    return value.strip("'\"") or None


def _set_top_level(text: str, key: str, value: str) -> str:
    """Replace ``key: ...`` at the top level, or add it after the leading comments."""
    pattern = re.compile(TOP_LEVEL.format(key=key), flags=re.MULTILINE)
    if pattern.search(text):
        return pattern.sub(f"{key}: {value}", text, count=1)
    lines = text.splitlines(keepends=True)
    at = next((i for i, line in enumerate(lines) if line.strip() and not line.startswith("#")),
              len(lines))
    return "".join(lines[:at] + [f"{key}: {value}\n"] + lines[at:])


def _repoint(text: str, key: str, old_dir: Path, new_dir: Path) -> str:
    """A relative path under ``key``, rewritten relative to the copy's folder."""
    value = _top_level(text, key)
    if value is None or Path(value).is_absolute():
        return text
    source = (old_dir / value).resolve()
    if not source.exists():
        return text
    return _set_top_level(text, key, os.path.relpath(source, new_dir.resolve()))
