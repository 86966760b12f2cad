"""Load shapes and definitions, merge them, check them, and report every mistake at once."""

from __future__ import annotations

import hashlib
import json
import re
import types
import typing
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from adapters.exchange import CoreBusiness
from engine.definitions.errors import DefinitionError, DefinitionErrors, did_you_mean, join_path
from engine.definitions.models import (
    DefinitionFile,
    Procedure,
    ShapeFile,
    StateSpec,
    TransitionSpec,
    Workflow,
)
from engine.definitions.workflow_checks import Issue, check_workflow
from forms import check_form_spec
from forms.spec import FormSpec, StepSpec

M = TypeVar("M", bound=BaseModel)

SHAPES_DIR = "_shapes"
# Data beside the definitions that is not a definition (read by engine.life_events).
DATA_FILES = frozenset({"life-events.yaml"})
# The businesses whose standard-compliant core systems the engine registers results in:
# every core business but 税務, which answers income lookups only.
KNOWN_CORE_SYSTEMS = tuple(b.value for b in CoreBusiness if b is not CoreBusiness.RESIDENT_TAX)


@dataclass(frozen=True)
class Catalog:
    """Every loaded procedure by id, and the shapes they extend."""

    procedures: Mapping[str, Procedure]
    shapes: Mapping[str, ShapeFile]
    errors: tuple[DefinitionError, ...] = ()

    def __iter__(self) -> Iterator[Procedure]:
        return iter(sorted(self.procedures.values(), key=lambda p: (p.category, p.id)))

    def get(self, procedure_id: str) -> Procedure:
        """The procedure called ``procedure_id``; KeyError with a suggestion otherwise."""
        try:
            return self.procedures[procedure_id]
        except KeyError:
            raise KeyError(
                f"unknown procedure '{procedure_id}'{did_you_mean(procedure_id, self.procedures)}"
            ) from None


class RefChecker(typing.Protocol):
    """What the loader needs of a guard or effect registry."""

    def check(
        self, name: str, params: dict[str, Any], workflow: Workflow | None = None
    ) -> list[tuple[str, str]]: ...


@dataclass
class _Report:
    errors: list[DefinitionError] = field(default_factory=list)
    # Every add, repeats included: a definition whose merged workflow repeats a mistake
    # of its shape (kept once in ``errors``) must still count as failed.
    count: int = 0
    _seen: set[DefinitionError] = field(default_factory=set)

    def add(self, file: str, path: str, message: str) -> None:
        self.count += 1
        err = DefinitionError(file, path, message)
        if err not in self._seen:
            self._seen.add(err)
            self.errors.append(err)


def _rel(path: Path, root: Path) -> str:
    try:
        return str(Path(root.name) / path.relative_to(root))
    except ValueError:
        return str(path)


_MERGE_TAG = "tag:yaml.org,2002:merge"


# libyaml's parser when PyYAML was built with it (about 5 times faster); the resolver and
# constructor below are Python either way.
_BaseLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Yaml12Loader(_BaseLoader):  # type: ignore[valid-type,misc]  # chosen at import time
    """SafeLoader with YAML 1.2 booleans (only true/false) that refuses duplicate keys.

    YAML 1.1 also reads on/off/yes/no/y/n as booleans, so a key ``on:`` or an option code
    ``no`` would silently become True/False. PyYAML keeps the last of two equal keys, so a
    repeated ``label:`` or ``effects:`` would silently drop the first.
    """

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[tuple[str, str]] = set()
        for key_node, _ in node.value:
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag == _MERGE_TAG:
                continue
            key = (key_node.tag, key_node.value)
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    "while constructing a mapping",
                    node.start_mark,
                    f"found duplicate key '{key_node.value}'",
                    key_node.start_mark,
                )
            seen.add(key)
        mapping: dict[Any, Any] = super().construct_mapping(node, deep=deep)
        return mapping

    def construct_yaml_timestamp(self, node: yaml.ScalarNode) -> Any:
        """A date, or the text as written when it is no date (2024-13-01), so the model
        reports it at its path instead of the whole file failing to parse."""
        try:
            return super().construct_yaml_timestamp(node)
        except ValueError:
            return self.construct_scalar(node)


_Yaml12Loader.add_constructor("tag:yaml.org,2002:timestamp", _Yaml12Loader.construct_yaml_timestamp)
_Yaml12Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
for _first in "tTfF":
    _Yaml12Loader.add_implicit_resolver(
        "tag:yaml.org,2002:bool",
        re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
        list(_first),
    )


def read_yaml(text: str) -> Any:
    """Parse definition YAML with YAML 1.2 booleans."""
    return yaml.load(text, Loader=_Yaml12Loader)  # noqa: S506  (a SafeLoader subclass)


def _read_yaml(path: Path, name: str, report: _Report) -> dict[str, Any] | None:
    try:
        data = read_yaml(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError as exc:
        report.add(name, "", f"not UTF-8 text: byte {exc.start} cannot be decoded")
        return None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        report.add(name, "", f"not valid YAML: {where}{getattr(exc, 'problem', exc)}")
        return None
    if not isinstance(data, dict):
        report.add(name, "", "must be a mapping of keys to values")
        return None
    return data


def _unwrap(tp: Any) -> list[Any]:
    """The model classes that a field annotation can hold (through Optional, tuple...)."""
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType, tuple, list, typing.Annotated):
        out: list[Any] = []
        for arg in typing.get_args(tp):
            if arg is not Ellipsis:
                out.extend(_unwrap(arg))
        return out
    return [tp]


def _keys_at(model: type[BaseModel], loc: tuple[Any, ...]) -> list[str]:
    """The keys allowed at ``loc`` inside ``model`` (for 'did you mean' on unknown keys)."""
    current: list[Any] = [model]
    for part in loc:
        if isinstance(part, int):
            continue
        nxt: list[Any] = []
        for cls in current:
            if isinstance(cls, type) and issubclass(cls, BaseModel) and part in cls.model_fields:
                nxt.extend(_unwrap(cls.model_fields[part].annotation))
        current = nxt
    keys: list[str] = []
    for cls in current:
        if isinstance(cls, type) and issubclass(cls, BaseModel):
            keys.extend(cls.model_fields)
    return keys


# What pydantic puts in an error location for the member of a union it tried ("bool",
# "dict[str,any]", "LocalizedText", "function-after[...]"): not a key of the file.
_KEY = re.compile(r"^[a-z][a-z0-9_]*$")
_UNION_TAGS = frozenset({"bool", "int", "float", "str", "list", "tuple", "dict", "none", "date"})


def _clean_loc(loc: tuple[Any, ...], keep_last: bool) -> tuple[str | int, ...]:
    """The location of an error as written in the file: union member tags dropped."""
    out: list[str | int] = []
    for n, part in enumerate(loc):
        last = keep_last and n == len(loc) - 1
        is_key = isinstance(part, str) and bool(_KEY.match(part)) and part not in _UNION_TAGS
        if isinstance(part, int) or (isinstance(part, str) and (last or is_key)):
            out.append(part)
    return tuple(out)


def _validate(
    model: type[M],
    data: Any,
    name: str,
    report: _Report,
    prefix: tuple[str | int, ...] = (),
) -> M | None:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        for err in exc.errors():
            extra = err["type"] == "extra_forbidden"
            loc = _clean_loc(err["loc"], keep_last=extra)
            where = join_path(*prefix, *loc)
            if extra:
                key = str(loc[-1])
                hint = did_you_mean(key, _keys_at(model, loc[:-1]))
                report.add(name, where, f"unknown key '{key}'{hint}")
            elif err["type"] == "missing":
                report.add(name, where, "is required but missing")
            elif _spurious_too_short(err):
                # pydantic also reports a list whose items failed as too short; the
                # items' own errors say what is wrong.
                continue
            else:
                report.add(name, where, err["msg"])
        return None


def _spurious_too_short(err: Any) -> bool:
    given = err.get("input")
    minimum = (err.get("ctx") or {}).get("min_length")
    return (
        err["type"] == "too_short"
        and isinstance(given, list | tuple)
        and isinstance(minimum, int)
        and len(given) >= minimum
    )


def _transition_problems(
    t: TransitionSpec,
    guards: RefChecker | None,
    effects: RefChecker | None,
    workflow: Workflow | None = None,
) -> list[tuple[str, str]]:
    """Mistakes in a transition's guard and effect references and in its inputs.

    Paths are relative to the transition (``effects[0].name``, ``inputs[1].type``).
    """
    out: list[tuple[str, str]] = []
    for kind, refs, checker in (("guards", t.guards, guards), ("effects", t.effects, effects)):
        if checker is None:
            continue
        for j, ref in enumerate(refs):
            out += [
                (join_path(f"{kind}[{j}]", sub), msg)
                for sub, msg in checker.check(ref.name, ref.params, workflow)
            ]
    if t.inputs:
        # Inputs are validated as a one-step form when the transition fires (engine.cases):
        # check them the same way as the resident's form.
        form = FormSpec(steps=(StepSpec(id="inputs", title=t.label, fields=t.inputs),))
        for path, msg in check_form_spec(form):
            out.append((_inputs_path(path), msg.replace(_INPUT_STEP, "inputs[")))
    return out


_INPUT_STEP = "steps[0].fields["


def _inputs_path(path: str) -> str:
    return "inputs[" + path[len(_INPUT_STEP) :] if path.startswith(_INPUT_STEP) else path


def load_shapes(
    shapes_dir: Path,
    root: Path,
    report: _Report,
    *,
    guards: RefChecker | None = None,
    effects: RefChecker | None = None,
) -> dict[str, ShapeFile]:
    """Every shape file, each checked as a complete workflow on its own.

    With ``guards`` and ``effects``, the references of its transitions are checked too, so
    a mistake in a shape is reported against the shape even when no definition extends it.
    """
    shapes: dict[str, ShapeFile] = {}
    for path in sorted(shapes_dir.glob("*.yml")):
        report.add(_rel(path, root), "", "shape files must end in .yaml; this one is not loaded")
    for path in sorted(shapes_dir.glob("*.yaml")):
        name = _rel(path, root)
        data = _read_yaml(path, name, report)
        if data is None:
            continue
        shape = _validate(ShapeFile, data, name, report)
        if shape is None:
            continue
        if shape.shape != path.stem:
            report.add(name, "shape", f"'{shape.shape}' must match the file name '{path.stem}'")
        for issue in check_workflow(shape.workflow):
            report.add(name, join_path("workflow", issue.path()), issue.message)
        for i, t in enumerate(shape.workflow.transitions):
            for sub, msg in _transition_problems(t, guards, effects, shape.workflow):
                report.add(name, join_path("workflow", f"transitions[{i}]", sub), msg)
        shapes[path.stem] = shape
    return shapes


_NULL = "must have a value: write one, or leave the key out"


def _merge_workflow(
    shape: Workflow, d: DefinitionFile, name: str, report: _Report
) -> tuple[Workflow, bool]:
    """Apply the definition's overrides to the shape's workflow.

    Returns the merged workflow and whether every override applied; an override with a
    mistake is reported and left out, so the rest can still be checked.
    """
    wf = d.workflow
    ok = True

    def bad(path: str, message: str) -> None:
        nonlocal ok
        ok = False
        report.add(name, path, message)

    states: dict[str, StateSpec] = {s.id: s for s in shape.states}
    for i, sid in enumerate(wf.remove_states):
        if sid in wf.remove_states[:i]:
            bad(f"workflow.remove_states[{i}]", f"state '{sid}' is already removed")
        elif states.pop(sid, None) is None:
            bad(f"workflow.remove_states[{i}]", f"unknown state '{sid}'{did_you_mean(sid, states)}")
    seen: dict[str, int] = {}
    for i, so in enumerate(wf.states):
        where = f"workflow.states[{i}]"
        if so.id in seen:
            bad(
                f"{where}.id",
                f"duplicate state '{so.id}' (already at workflow.states[{seen[so.id]}])",
            )
            continue
        seen[so.id] = i
        changes = so.model_dump(exclude_unset=True, exclude={"id"})
        nulls = [k for k, v in changes.items() if v is None]
        for k in nulls:
            bad(f"{where}.{k}", _NULL)
        if nulls:
            continue
        base = states.get(so.id)
        if base is None:
            missing = [k for k in ("label", "portal_status") if k not in changes]
            if missing:
                bad(where, f"new state '{so.id}' needs {', '.join(missing)}")
                continue
            merged = {"id": so.id, **changes}
        else:
            merged = {**base.model_dump(), **changes}
        state = _validate(StateSpec, merged, name, report, ("workflow", "states", i))
        if state is None:
            ok = False
            continue
        states[so.id] = state

    transitions: dict[str, TransitionSpec] = {t.trigger: t for t in shape.transitions}
    for i, trig in enumerate(wf.remove_transitions):
        if trig in wf.remove_transitions[:i]:
            bad(f"workflow.remove_transitions[{i}]", f"transition '{trig}' is already removed")
        elif transitions.pop(trig, None) is None:
            bad(
                f"workflow.remove_transitions[{i}]",
                f"unknown transition '{trig}'{did_you_mean(trig, transitions)}",
            )
    seen = {}
    for i, to in enumerate(wf.transitions):
        where = f"workflow.transitions[{i}]"
        if to.trigger in seen:
            bad(
                f"{where}.trigger",
                f"duplicate trigger '{to.trigger}' (already at workflow.transitions"
                f"[{seen[to.trigger]}])",
            )
            continue
        seen[to.trigger] = i
        changes = to.model_dump(
            exclude_unset=True, exclude={"trigger", "add_guards", "add_effects"}
        )
        nulls = [k for k, v in changes.items() if v is None]
        for k in nulls:
            bad(f"{where}.{k}", _NULL)
        if nulls:
            continue
        current = transitions.get(to.trigger)
        if current is None:
            missing = [k for k in ("source", "dest", "label", "roles") if k not in changes]
            if missing:
                bad(where, f"new transition '{to.trigger}' needs {', '.join(missing)}")
                continue
            merged = {"trigger": to.trigger, **changes}
        else:
            merged = {**current.model_dump(), **changes}
        added = to.model_dump(include={"add_guards", "add_effects"})
        merged["guards"] = [*merged.get("guards", ()), *added["add_guards"]]
        merged["effects"] = [*merged.get("effects", ()), *added["add_effects"]]
        transition = _validate(TransitionSpec, merged, name, report, ("workflow", "transitions", i))
        if transition is None:
            ok = False
            continue
        transitions[to.trigger] = transition
    merged_wf = Workflow.model_construct(
        initial=wf.initial or shape.initial,
        states=tuple(states.values()),
        transitions=tuple(transitions.values()),
    )
    return merged_wf, ok


_HEAD = re.compile(r"^([a-z_]+)(?:\[(\d+)\])?")


def _locate(
    d: DefinitionFile,
    shape: ShapeFile,
    shape_name: str,
    wf: Workflow,
    coll: str,
    index: int,
    sub: str,
) -> tuple[str | None, str]:
    """Map a place in the merged workflow to the file and path the mistake was written in.

    A key the definition wrote is reported in the definition (``add_guards`` and
    ``add_effects`` entries at their own index); a key a state or transition took
    unchanged from the shape, in the shape, at the shape's own index. ``None`` as the file
    means the definition.
    """
    overrides: tuple[Any, ...]
    originals: tuple[Any, ...]
    if coll == "transitions":
        key, ident = wf.transitions[index].trigger, "trigger"
        overrides, originals = d.workflow.transitions, shape.workflow.transitions
    elif coll == "states":
        key, ident = wf.states[index].id, "id"
        overrides, originals = d.workflow.states, shape.workflow.states
    elif sub == "initial" and d.workflow.initial is None:
        return shape_name, "workflow.initial"
    else:
        return None, join_path("workflow", sub)
    removed = d.workflow.remove_transitions if coll == "transitions" else d.workflow.remove_states
    di = next((i for i, o in enumerate(overrides) if getattr(o, ident) == key), None)
    si = None
    if key not in removed:
        si = next((i for i, o in enumerate(originals) if getattr(o, ident) == key), None)
    m = _HEAD.match(sub)
    head = m.group(1) if m else ""
    idx = int(m.group(2)) if m and m.group(2) is not None else None
    if di is not None:
        o = overrides[di]
        here = join_path("workflow", f"{coll}[{di}]")
        if head in ("guards", "effects") and idx is not None:
            own = getattr(o, head)
            if own is not None:
                n = len(own)
            elif si is not None:
                n = len(getattr(originals[si], head))
            else:
                n = 0
            if idx >= n:
                rest = sub[m.end() :] if m else ""
                return None, join_path(here, f"add_{head}[{idx - n}]") + rest
            if own is not None or si is None:
                return None, join_path(here, sub)
        elif si is None or not head or head == ident or head in o.model_fields_set:
            return None, join_path(here, sub)
    if si is not None:
        return shape_name, join_path("workflow", f"{coll}[{si}]", sub)
    return None, join_path("workflow", sub)


def _referenced_state(wf: Workflow, issue: Issue) -> str | None:
    """The state an 'unknown state' issue is about (a dest, a source or the initial)."""
    if issue.coll == "transitions" and issue.sub == "dest":
        return wf.transitions[issue.index].dest
    if issue.coll == "transitions" and issue.sub.startswith("source["):
        return wf.transitions[issue.index].source[int(issue.sub[len("source[") : -1])]
    if issue.coll == "" and issue.sub == "initial":
        return wf.initial
    return None


def _removed_hint(d: DefinitionFile, wf: Workflow, issue: Issue) -> str:
    """`` (removed by workflow.remove_states[k])`` when the unknown state was removed."""
    sid = _referenced_state(wf, issue)
    if sid is None or sid not in d.workflow.remove_states:
        return ""
    return f" (removed by workflow.remove_states[{d.workflow.remove_states.index(sid)}])"


def _blame_definition(
    d: DefinitionFile,
    shape_id: str,
    wf: Workflow,
    issue: Issue,
    locate: typing.Callable[[str, int, str], tuple[str | None, str]],
) -> list[tuple[str, str]]:
    """Where in the definition a soundness mistake of an unchanged shape part comes from.

    The shape is sound on its own, so the definition's changes caused it: a removed state
    still in use, a transition added from a terminal state, removed or redirected
    transitions. Returns (path in the definition, message) pairs.
    """
    removed = {sid: k for k, sid in enumerate(d.workflow.remove_states)}
    sid = _referenced_state(wf, issue)
    if issue.coll == "transitions" and sid is not None and sid in removed:
        t = wf.transitions[issue.index]
        role, key = ("the dest", "dest") if issue.sub == "dest" else ("a source", "source")
        return [
            (
                f"workflow.remove_states[{removed[sid]}]",
                f"removed state '{sid}' is still {role} of transition '{t.trigger}' "
                f"(shape '{shape_id}'): remove that transition too, or override its {key}",
            )
        ]
    if issue.coll == "" and issue.sub == "initial" and wf.initial in removed:
        return [
            (
                f"workflow.remove_states[{removed[wf.initial]}]",
                f"removed state '{wf.initial}' is the initial state (shape '{shape_id}'): "
                "set workflow.initial to another state",
            )
        ]
    if issue.coll == "states" and issue.sub == "terminal":
        sid = wf.states[issue.index].id
        places = [
            where
            for i, t in enumerate(wf.transitions)
            for j, src in enumerate(t.source)
            if src == sid
            for file, where in [locate("transitions", i, f"source[{j}]")]
            if file is None
        ]
        if places:
            return [(where, issue.message) for where in places]
    return [("workflow", f"{issue.message}, after this definition's changes to shape '{shape_id}'")]


def _version(proc: Procedure) -> str:
    body = proc.model_dump(mode="json", exclude={"version", "source"})
    blob = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


def load_definition(
    path: Path,
    root: Path,
    shapes: Mapping[str, ShapeFile],
    guards: RefChecker,
    effects: RefChecker,
    report: _Report,
) -> Procedure | None:
    """Load one definition file; mistakes go to ``report``."""
    name = _rel(path, root)
    data = _read_yaml(path, name, report)
    if data is None:
        return None
    d = _validate(DefinitionFile, data, name, report)
    if d is None:
        return None
    before = report.count
    if d.id != path.stem:
        report.add(name, "id", f"'{d.id}' must match the file name '{path.stem}'")
    if d.category != path.parent.name:
        report.add(name, "category", f"'{d.category}' must match the folder '{path.parent.name}'")
    if d.core_system is not None and d.core_system not in KNOWN_CORE_SYSTEMS:
        report.add(
            name,
            "core_system",
            f"unknown core system '{d.core_system}'"
            f"{did_you_mean(d.core_system, KNOWN_CORE_SYSTEMS)}",
        )
    eff = d.effective
    if eff.valid_from and eff.valid_until and eff.valid_until < eff.valid_from:
        report.add(name, "effective.valid_until", "is before effective.valid_from")
    if eff.replaced_by == d.id:
        report.add(name, "effective.replaced_by", "a procedure cannot be replaced by itself")
    for path_in, message in check_form_spec(d.form):
        report.add(name, join_path("form", path_in), message)
    doc_ids: dict[str, int] = {}
    for i, doc in enumerate(d.documents):
        if doc.id in doc_ids:
            report.add(
                name,
                f"documents[{i}].id",
                f"duplicate document id '{doc.id}' (already at documents[{doc_ids[doc.id]}])",
            )
        doc_ids.setdefault(doc.id, i)
    shape = shapes.get(d.extends)
    if shape is None:
        report.add(name, "extends", f"unknown shape '{d.extends}'{did_you_mean(d.extends, shapes)}")
        return None
    shape_name = f"{root.name}/{SHAPES_DIR}/{d.extends}.yaml"
    wf, merged = _merge_workflow(shape.workflow, d, name, report)

    def locate(coll: str, index: int, sub: str) -> tuple[str | None, str]:
        return _locate(d, shape, shape_name, wf, coll, index, sub)

    # A definition of a shape with mistakes does not load; the shape's mistakes are
    # reported against the shape file, once, by load_shapes.
    shape_sound = not check_workflow(shape.workflow)
    if merged:
        # Soundness of a partly merged workflow would mostly repeat the merge's mistakes.
        for issue in check_workflow(wf):
            file, where = locate(issue.coll, issue.index, issue.sub)
            if file is None:
                report.add(name, where, issue.message + _removed_hint(d, wf, issue))
            elif shape_sound:
                # The shape is sound on its own: the definition's changes broke this part.
                for where, message in _blame_definition(d, d.extends, wf, issue, locate):
                    report.add(name, where, message)
            # else: a consequence of the shape's own mistake, which is reported already.
    for i, t in enumerate(wf.transitions):
        for sub, message in _transition_problems(t, guards, effects, wf):
            file, where = locate("transitions", i, sub)
            report.add(file or name, where, message)
    triggers = {t.trigger for t in wf.transitions}
    if not merged:
        # A transition the definition adds but got wrong still exists as far as documents go.
        triggers |= {to.trigger for to in d.workflow.transitions}
    for i, doc in enumerate(d.documents):
        for j, trig in enumerate(doc.on):
            if trig not in triggers:
                report.add(
                    name,
                    f"documents[{i}].on[{j}]",
                    f"unknown transition '{trig}'{did_you_mean(trig, triggers)}",
                )
    if report.count > before or not shape_sound:
        return None
    fields = d.model_dump(exclude={"extends", "workflow"})
    fields.update(
        form=d.form, workflow=Workflow.model_validate(wf.model_dump()), shape=d.extends, source=name
    )
    proc = Procedure.model_validate(fields)
    return proc.model_copy(update={"version": _version(proc)})


def load_catalog(
    root: Path, *, guards: RefChecker, effects: RefChecker, strict: bool = True
) -> Catalog:
    """Load every shape and definition under ``root`` (the ``procedures`` folder).

    With ``strict`` (the default) any mistake raises :class:`DefinitionErrors` listing all of
    them; otherwise the catalog holds what loaded and the errors.
    """
    report = _Report()
    if not root.is_dir():
        report.add(str(root), "", "is not a folder of procedure definitions")
    shapes = load_shapes(root / SHAPES_DIR, root, report, guards=guards, effects=effects)
    for path in sorted([*root.glob("*.yaml"), *root.glob("*.yml")]):
        if path.name in DATA_FILES:
            continue
        report.add(
            _rel(path, root), "", "definitions go in a category folder: <category>/<id>.yaml"
        )
    procedures: dict[str, Procedure] = {}
    files: dict[str, str] = {}  # file name (the id it must have) -> the first file
    for path in sorted([*root.glob("*/*.yaml"), *root.glob("*/*.yml")]):
        if path.parent.name.startswith("_"):
            continue
        name = _rel(path, root)
        if path.suffix == ".yml":
            report.add(name, "", "definition files must end in .yaml; this one is not loaded")
            continue
        first = files.setdefault(path.stem, name)
        proc = load_definition(path, root, shapes, guards, effects, report)
        if first != name:
            report.add(name, "id", f"'{path.stem}' is already defined in {first}")
            continue
        if proc is not None:
            procedures[proc.id] = proc
    for proc in procedures.values():
        target = proc.effective.replaced_by
        # A replacement that has mistakes of its own is reported for those, not as unknown.
        if target and target not in procedures and target not in files and target != proc.id:
            report.add(
                proc.source,
                "effective.replaced_by",
                f"unknown procedure '{target}'{did_you_mean(target, files)}",
            )
    errors = tuple(sorted(report.errors))
    if strict and errors:
        raise DefinitionErrors(errors)
    return Catalog(procedures, shapes, errors)


def procedure_from_json(data: Mapping[str, Any]) -> Procedure:
    """Rebuild a procedure stored with a case (an older definition version)."""
    return Procedure.model_validate(data)
