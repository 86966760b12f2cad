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

from engine.definitions.errors import DefinitionError, DefinitionErrors, did_you_mean, join_path
from engine.definitions.models import (
    DefinitionFile,
    Procedure,
    ShapeFile,
    StateSpec,
    TransitionSpec,
    Workflow,
)
from engine.definitions.workflow_checks import check_workflow
from forms import check_form_spec

M = TypeVar("M", bound=BaseModel)

SHAPES_DIR = "_shapes"
# The businesses whose standard-compliant core systems the engine registers results in.
KNOWN_CORE_SYSTEMS = (
    "jidou-teate",  # 児童手当
    "kodomo-kosodate",  # 子ども・子育て支援
    "jidou-fuyou-teate",  # 児童扶養手当
    "kenkou-kanri",  # 健康管理 (maternal health)
    "kaigo-hoken",  # 介護保険
    "hisaisha-shien",  # 被災者支援
    "todoufuken-zei",  # 都道府県税 (car taxes)
    "keisatsu",  # 警察 (parking certificates)
)


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

    def check(self, name: str, params: dict[str, Any]) -> list[tuple[str, str]]: ...


@dataclass
class _Report:
    errors: list[DefinitionError] = field(default_factory=list)

    def add(self, file: str, path: str, message: str) -> None:
        self.errors.append(DefinitionError(file, path, message))


def _rel(path: Path, root: Path) -> str:
    try:
        return str(Path(root.name) / path.relative_to(root))
    except ValueError:
        return str(path)


class _Yaml12Loader(yaml.SafeLoader):
    """SafeLoader with YAML 1.2 booleans: only true/false.

    YAML 1.1 also reads on/off/yes/no/y/n as booleans, so a key ``on:`` or an option code
    ``no`` would silently become True/False.
    """


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


def _validate(model: type[M], data: Any, name: str, report: _Report) -> M | None:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        for err in exc.errors():
            loc = tuple(p for p in err["loc"] if isinstance(p, str | int))
            if err["type"] == "extra_forbidden":
                key = str(loc[-1])
                hint = did_you_mean(key, _keys_at(model, loc[:-1]))
                report.add(name, join_path(*loc), f"unknown key '{key}'{hint}")
            elif err["type"] == "missing":
                report.add(name, join_path(*loc), "is required but missing")
            else:
                report.add(name, join_path(*loc), err["msg"])
        return None


def load_shapes(shapes_dir: Path, root: Path, report: _Report) -> dict[str, ShapeFile]:
    """Every shape file, each checked as a complete workflow on its own."""
    shapes: dict[str, ShapeFile] = {}
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
        shapes[path.stem] = shape
    return shapes


def _merge_workflow(
    shape: Workflow, d: DefinitionFile, name: str, report: _Report
) -> Workflow | None:
    """Apply the definition's overrides to the shape's workflow."""
    wf = d.workflow
    ok = True
    states: dict[str, StateSpec] = {s.id: s for s in shape.states}
    for i, sid in enumerate(wf.remove_states):
        if states.pop(sid, None) is None:
            report.add(
                name,
                f"workflow.remove_states[{i}]",
                f"unknown state '{sid}'{did_you_mean(sid, states)}",
            )
            ok = False
    for i, so in enumerate(wf.states):
        changes = {k: getattr(so, k) for k in so.model_dump(exclude_unset=True, exclude={"id"})}
        if so.id in states:
            states[so.id] = states[so.id].model_copy(update=changes)
        else:
            missing = [k for k in ("label", "portal_status") if k not in changes]
            if missing:
                report.add(
                    name, f"workflow.states[{i}]", f"new state '{so.id}' needs {', '.join(missing)}"
                )
                ok = False
                continue
            states[so.id] = StateSpec.model_validate(
                {"id": so.id, **so.model_dump(exclude_unset=True, exclude={"id"})}
            )

    transitions: dict[str, TransitionSpec] = {t.trigger: t for t in shape.transitions}
    for i, trig in enumerate(wf.remove_transitions):
        if transitions.pop(trig, None) is None:
            report.add(
                name,
                f"workflow.remove_transitions[{i}]",
                f"unknown transition '{trig}'{did_you_mean(trig, transitions)}",
            )
            ok = False
    for i, to in enumerate(wf.transitions):
        raw = to.model_dump(exclude_unset=True, exclude={"trigger", "add_guards", "add_effects"})
        changes = {k: getattr(to, k) for k in raw}
        base = transitions.get(to.trigger)
        if base is None:
            missing = [k for k in ("source", "dest", "label", "roles") if k not in changes]
            if missing:
                report.add(
                    name,
                    f"workflow.transitions[{i}]",
                    f"new transition '{to.trigger}' needs {', '.join(missing)}",
                )
                ok = False
                continue
            base = TransitionSpec.model_validate({"trigger": to.trigger, **raw})
        else:
            base = base.model_copy(update=changes)
        transitions[to.trigger] = base.model_copy(
            update={"guards": base.guards + to.add_guards, "effects": base.effects + to.add_effects}
        )
    if not ok:
        return None
    return Workflow.model_construct(
        initial=wf.initial or shape.initial,
        states=tuple(states.values()),
        transitions=tuple(transitions.values()),
    )


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

    A transition or state the definition added or changed is reported in the definition;
    one it took unchanged from the shape, in the shape, at the shape's own index.
    """
    if coll == "transitions":
        key = wf.transitions[index].trigger
        for i, to in enumerate(d.workflow.transitions):
            if to.trigger == key:
                return None, join_path("workflow", f"transitions[{i}]", sub)
        for i, t in enumerate(shape.workflow.transitions):
            if t.trigger == key:
                return shape_name, join_path("workflow", f"transitions[{i}]", sub)
    if coll == "states":
        key = wf.states[index].id
        for i, so in enumerate(d.workflow.states):
            if so.id == key:
                return None, join_path("workflow", f"states[{i}]", sub)
        for i, s in enumerate(shape.workflow.states):
            if s.id == key:
                return shape_name, join_path("workflow", f"states[{i}]", sub)
    return None, join_path("workflow", sub)


def _check_refs(
    wf: Workflow,
    d: DefinitionFile,
    shape: ShapeFile,
    shape_name: str,
    guards: RefChecker,
    effects: RefChecker,
    name: str,
    report: _Report,
) -> None:
    for i, t in enumerate(wf.transitions):
        for kind, refs, checker in (("guards", t.guards, guards), ("effects", t.effects, effects)):
            for j, ref in enumerate(refs):
                for sub, msg in checker.check(ref.name, ref.params):
                    file, path = _locate(
                        d, shape, shape_name, wf, "transitions", i, join_path(f"{kind}[{j}]", sub)
                    )
                    report.add(file or name, path, msg)


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
    before = len(report.errors)
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
    for path_in, message in check_form_spec(d.form):
        report.add(name, join_path("form", path_in), message)
    shape = shapes.get(d.extends)
    if shape is None:
        report.add(name, "extends", f"unknown shape '{d.extends}'{did_you_mean(d.extends, shapes)}")
        return None
    shape_name = f"{root.name}/{SHAPES_DIR}/{d.extends}.yaml"
    wf = _merge_workflow(shape.workflow, d, name, report)
    if wf is None:
        return None
    for issue in check_workflow(wf):
        file, where = _locate(d, shape, shape_name, wf, issue.coll, issue.index, issue.sub)
        report.add(file or name, where, issue.message)
    _check_refs(wf, d, shape, shape_name, guards, effects, name, report)
    triggers = {t.trigger for t in wf.transitions}
    for i, doc in enumerate(d.documents):
        for j, trig in enumerate(doc.on):
            if trig not in triggers:
                report.add(
                    name,
                    f"documents[{i}].on[{j}]",
                    f"unknown transition '{trig}'{did_you_mean(trig, triggers)}",
                )
    if len(report.errors) > before:
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
    shapes = load_shapes(root / SHAPES_DIR, root, report)
    procedures: dict[str, Procedure] = {}
    for path in sorted(root.glob("*/*.yaml")):
        if path.parent.name.startswith("_"):
            continue
        proc = load_definition(path, root, shapes, guards, effects, report)
        if proc is None:
            continue
        if proc.id in procedures:
            report.add(
                proc.source, "id", f"'{proc.id}' is already defined in {procedures[proc.id].source}"
            )
            continue
        procedures[proc.id] = proc
    for proc in procedures.values():
        target = proc.effective.replaced_by
        if target and target not in procedures:
            report.add(
                proc.source,
                "effective.replaced_by",
                f"unknown procedure '{target}'{did_you_mean(target, procedures)}",
            )
    if strict and report.errors:
        raise DefinitionErrors(report.errors)
    return Catalog(procedures, shapes, tuple(report.errors))


def procedure_from_json(data: Mapping[str, Any]) -> Procedure:
    """Rebuild a procedure stored with a case (an older definition version)."""
    return Procedure.model_validate(data)
