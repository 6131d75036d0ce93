"""Reading scenario YAML: ``extends:`` chains, the file's hash, one-line errors.

:func:`read_scenario` turns a file into a validated :class:`~sim.config.scenario.Scenario`
without looking at the geography; :func:`sim.world.scenarios.load_scenario` adds the check
that every place it names exists in its region.
"""

from __future__ import annotations

import difflib
import hashlib
from pathlib import Path

import yaml
from pydantic import BaseModel, ValidationError

from sim.config.scenario import Scenario
from sim.data import DATA_ROOT
from sim.errors import InputError

# --------------------------------------------------------------------------- loading

INTERNAL_FIELDS = ("source_path", "source_sha256")


def parse_scenario(data: object, where: str = "scenario") -> Scenario:
    """Validate a mapping (from YAML) into a :class:`Scenario`, or raise one-line InputError."""
    if not isinstance(data, dict):
        raise InputError("the file must be a YAML mapping of scenario fields", where=where)
    for internal in INTERNAL_FIELDS:
        if internal in data:
            raise InputError("unknown field; it is set by the program, remove it", where=where,
                             field=internal)
    try:
        return Scenario.model_validate(data)
    except ValidationError as exc:
        raise friendly_error(exc, where) from None


def read_scenario(path: str | Path) -> Scenario:
    """Read and validate a scenario YAML file (following ``extends:``); record its hash.

    A region that is not shipped but is a folder next to the file is resolved to that folder.
    """
    path = Path(path)
    where = str(path)
    check_yaml_path(path, "scenario")
    raw = path.read_bytes()
    data = read_yaml(path)
    chain = [path.resolve()]
    current = path.resolve()
    while isinstance(data, dict) and "extends" in data:
        base_path = (current.parent / str(data.pop("extends"))).resolve()
        if base_path in chain:
            raise InputError("'extends' loops back to a file already included", where=where,
                             field="extends")
        if not base_path.is_file():
            raise InputError(f"base scenario {base_path} not found; give a path relative to "
                             "this file", where=where, field="extends")
        chain.append(base_path)
        raw = base_path.read_bytes() + raw
        base = read_yaml(base_path)
        if not isinstance(base, dict):
            raise InputError("the base scenario must be a YAML mapping", where=str(base_path))
        if "extends" in base:  # the base's own base is relative to the base's folder
            base["extends"] = str((base_path.parent / str(base["extends"])).resolve())
        data = deep_merge(base, data)
        current = base_path
    scenario = parse_scenario(data, where)
    update = {"source_path": str(path), "source_sha256": hashlib.sha256(raw).hexdigest()}
    local_region = path.parent / scenario.region
    if not _is_shipped_region(scenario.region) and local_region.is_dir():
        update["region"] = str(local_region.resolve())  # a region folder next to the file
    scenario = scenario.model_copy(update=update)
    return scenario


RESULTS_SUFFIXES = (".nc", ".nc4", ".cdf", ".netcdf", ".h5", ".hdf5")
RESULTS_MAGIC = (b"CDF\x01", b"CDF\x02", b"CDF\x05", b"\x89HDF\r\n\x1a\n")
"""How NetCDF-3 (classic, 64-bit offset, 64-bit data) and NetCDF-4/HDF5 files begin."""
RESULTS_COMMANDS = "'idlib-sim plot', 'memo', 'validate' or 'compare'"


def check_yaml_path(path: Path, what: str = "scenario") -> None:
    """A scenario (or sweep) argument must be a YAML file; say what it is instead, and the fix.

    A results file given by mistake would otherwise be read as YAML ("malformed YAML"), a
    folder reported as "file not found".
    """
    where = str(path)
    if path.is_dir():
        yamls = sorted(p.name for p in path.iterdir() if p.suffix in (".yaml", ".yml"))
        listing = (f"in it: {', '.join(yamls[:6])}{', ...' if len(yamls) > 6 else ''}" if yamls
                   else "it holds none")
        raise InputError(f"is a folder, not a {what} file; give one {what} YAML file ({listing}), "
                         "or see 'idlib-sim scenarios' for the shipped ones", where=where)
    if not path.is_file():
        raise InputError(f"file not found; give the path of a {what} YAML file "
                         "(see 'idlib-sim scenarios')", where=where)
    if is_results_file(path):
        raise InputError(f"is a results file (NetCDF), not a {what} YAML file; results files go "
                         f"to {RESULTS_COMMANDS}", where=where)


def is_results_file(path: Path) -> bool:
    """NetCDF or HDF5, by its name or by its first bytes."""
    if path.suffix.lower() in RESULTS_SUFFIXES:
        return True
    with open(path, "rb") as f:
        head = f.read(8)
    return any(head.startswith(magic) for magic in RESULTS_MAGIC)


def _is_shipped_region(name: str) -> bool:
    return "/" not in name and (DATA_ROOT / name).is_dir()


def read_yaml(path: Path):
    try:
        return yaml.safe_load(path.read_bytes())
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        at = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or "invalid YAML"
        raise InputError(f"malformed YAML{at}: {problem}; fix the syntax", where=str(path)) from None


def deep_merge(base: dict, override: dict) -> dict:
    """``override`` wins; nested mappings merge key by key, lists are replaced whole."""
    out = dict(base) if isinstance(base, dict) else {}
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = deep_merge(out[key], value)
        else:
            out[key] = value
    return out


def friendly_error(exc: ValidationError, where: str, root: type[BaseModel] = Scenario,
                   word: str = "field") -> InputError:
    """The first validation error as one line: the dotted field, what is wrong, the fix.

    An unknown key gets the closest known one of the model that owns it (``root`` is the
    schema the data was validated against; ``word`` is what the file calls its keys).
    """
    err = exc.errors()[0]
    loc = [str(p) for p in err["loc"]]
    field = ".".join(loc)
    kind = err["type"]
    if kind == "extra_forbidden":
        parent = _model_at(loc[:-1], root)
        known = [f for f in (parent.model_fields if parent else []) if f not in INTERNAL_FIELDS]
        hint = difflib.get_close_matches(loc[-1], known, n=1)
        fix = f"did you mean '{hint[0]}'?" if hint else f"known {word}s: {', '.join(known)}"
        return InputError(f"unknown {word}; {fix}", where=where, field=field)
    msg = err["msg"]
    got = err.get("input")
    if kind.startswith(("date_", "datetime_")):
        shown = f" (got {got!r})" if isinstance(got, (str, int, float)) else ""
        return InputError(f"not a date{shown}; write it as YYYY-MM-DD, e.g. 2018-09-10",
                          where=where, field=field or None)
    if msg.startswith("Value error, "):
        msg = msg[len("Value error, "):]
    shown = "" if isinstance(got, (dict, list)) or got is None else f" (got {got!r})"
    return InputError(f"{msg}{shown}; fix this value", where=where, field=field or None)


def _model_at(loc: list[str], root: type[BaseModel] = Scenario) -> type[BaseModel] | None:
    """Walk the schema along a validation location to find the model that owns a field.

    List indices and the keys of mapping fields (e.g. a crossing's name) are skipped.
    """
    model: type[BaseModel] | None = root
    skip_key = False
    for part in loc:
        if skip_key:
            skip_key = False
            continue
        if model is None or part.isdigit():
            continue
        field = model.model_fields.get(part)
        if field is None:
            return None
        skip_key = getattr(field.annotation, "__origin__", None) is dict
        model = _inner_model(field.annotation)
    return model


def _inner_model(annotation) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()) or ():
        found = _inner_model(arg)
        if found is not None:
            return found
    return None
