"""A small JsonLogic-like expression language for conditions, computed values and rules.

Definitions are data, so conditions are data too: an expression is a JSON value. A dict
with exactly one key is an operation (``{"==": [{"var": "has_spouse"}, true]}``); a list
is a list of expressions; anything else is a literal. Nothing is ever passed to ``eval``.

Operations (an argument that is not a list counts as a list of one):

- ``{"var": "a.b"}`` or ``{"var": ["a.b", default]}``: the answer at a dotted path.
- ``==`` ``!=``: equality without type coercion (``1`` is not ``"1"``, ``true`` is not ``1``).
- ``<`` ``<=`` ``>`` ``>=``: numbers with numbers, strings with strings (ISO dates compare
  correctly as strings); three arguments test ``a < b < c``; any other pair is false.
- ``!`` (not), ``and``, ``or`` (short-circuit, give booleans), ``if`` (``[c1, v1, c2, v2,
  ..., else]``), ``in`` (``[x, list]`` or substring of a string).
- ``present``: true when every argument has a value (not null, ``""``, ``[]`` or ``{}``).
- ``+`` ``-`` ``*``: integer or decimal arithmetic; null when an operand is missing.
- ``count``: the number of items of a list (0 for a missing answer).
- ``age``: ``{"age": [birth]}`` whole years on today, ``{"age": [birth, on]}`` on a date
  (ISO strings); a 29 February birthday counts as reached on 28 February.
- ``today``: ``{"today": []}``, today's date as an ISO string.
- ``bank_kana``: ``{"bank_kana": [{"var": "claimant.kana"}]}``, a reading as a bank records
  a holder name (small kana large), to compare an account holder with the claimant.

How ``var`` paths work. A path names answers the way the form declares them, from the top
of the form, with repeating groups written without an index: ``children.birth_date``.
Inside a row of a repeating group (the conditions of a field in that group, or a rule
whose path is ``children[].birth_date``), the group in the path means *the current row*:
``children.birth_date`` is this child's birth date, and ``applicant.name`` still reaches
outside the group. Outside a row, a path through a repeating group gives the list of the
values over all rows (``{"in": ["spouse", {"var": "children.relationship"}]}``), and
``{"count": {"var": "children"}}`` counts the rows. A numeric segment picks a row by its
0-based index (``children.0.name``). A path that leads nowhere gives null.
"""

from __future__ import annotations

import datetime
import difflib
import itertools
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from forms.japanese import normalise_bank_kana

_INDEX = re.compile(r"^[0-9]+$")


@dataclass(frozen=True)
class Scope:
    """What an expression is evaluated against.

    ``rows`` maps the dotted path of each enclosing repeating group (``children``) to the
    index of the current row; ``today`` is the date ``age`` and ``today`` use.
    """

    data: Mapping[str, Any]
    rows: Mapping[str, int] = field(default_factory=dict)
    today: datetime.date | None = None

    def current_date(self) -> datetime.date:
        """The evaluation date: ``today`` when given, else the system date."""
        return self.today if self.today is not None else datetime.date.today()


@dataclass(frozen=True)
class _Operator:
    min_args: int
    max_args: int | None
    run: Callable[[list[Any], Scope], Any]


def evaluate(
    expr: Any,
    data: Mapping[str, Any],
    *,
    rows: Mapping[str, int] | None = None,
    today: datetime.date | None = None,
) -> Any:
    """Evaluate ``expr`` against ``data`` (see the module docstring for the language).

    ``rows`` gives the current row of each enclosing repeating group; ``today`` fixes the
    date for ``age`` and ``today``. Raises ValueError for an unknown operator or a
    malformed expression; missing answers never raise, they give null.
    """
    return _eval(expr, Scope(data=data, rows=rows or {}, today=today))


def truthy(value: Any) -> bool:
    """Whether a value counts as true in a condition (Python truthiness: 0, "", [] are false)."""
    return bool(value)


def referenced_vars(expr: Any) -> set[str]:
    """The ``var`` paths an expression reads, as written (``{"children.birth_date"}``)."""
    found: set[str] = set()

    def walk(node: Any) -> None:
        if isinstance(node, list):
            for item in node:
                walk(item)
        elif isinstance(node, dict):
            for op, arg in node.items():
                if op == "var":
                    path = _var_path(arg)
                    if path is not None:
                        found.add(path)
                else:
                    walk(arg)

    walk(expr)
    return found


def check_expression(expr: Any) -> list[str]:
    """Every structural mistake in ``expr`` (unknown operators, wrong argument counts).

    Messages are in English for the author of a definition. Whether the ``var`` paths
    exist is for the caller to check, against the form (see :func:`referenced_vars`).
    """
    problems: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, list):
            for item in node:
                walk(item)
            return
        if not isinstance(node, dict):
            if not (node is None or isinstance(node, bool | int | float | str)):
                problems.append(f"{type(node).__name__} is not a JSON value")
            return
        if len(node) != 1:
            problems.append(f"an operation is a mapping with exactly one key, got {sorted(node)!r}")
            return
        ((op, arg),) = node.items()
        if op not in OPERATORS:
            problems.append(_unknown_operator(op))
            return
        if op == "var":
            if _var_path(arg) is None:
                problems.append(
                    "'var' takes a dotted path string or [path, default], got " + repr(arg)
                )
            return
        args = arg if isinstance(arg, list) else [arg]
        arity = _arity_problem(op, len(args))
        if arity:
            problems.append(arity)
        for item in args:
            walk(item)

    walk(expr)
    return problems


def resolve_var(path: str, data: Mapping[str, Any], rows: Mapping[str, int] | None = None) -> Any:
    """The answer at a dotted ``path`` (see the module docstring), or None."""
    if not path:
        return None
    return _resolve(data, path.split("."), "", rows or {})


def parse_iso_date(value: Any) -> datetime.date | None:
    """A date from an ISO ``YYYY-MM-DD`` string or a date; None when it is neither."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, str):
        try:
            return datetime.date.fromisoformat(value)
        except ValueError:
            return None
    return None


def age_on(birth: datetime.date, on: datetime.date) -> int:
    """Whole years from ``birth`` to ``on``.

    Comparing (month, day) pairs makes a 29 February birthday reached on 1 March in a
    common year by this count; the Japanese age law (年齢計算ニ関スル法律) has it reached at
    the end of 28 February, which on a day basis is also 1 March. Both agree.
    """
    years = on.year - birth.year
    if (on.month, on.day) < (birth.month, birth.day):
        years -= 1
    return years


# -- evaluation ---------------------------------------------------------------------------


def _eval(expr: Any, scope: Scope) -> Any:
    if isinstance(expr, list):
        return [_eval(item, scope) for item in expr]
    if not isinstance(expr, dict):
        return expr
    if len(expr) != 1:
        raise ValueError(f"an operation is a mapping with exactly one key, got {sorted(expr)!r}")
    ((op, arg),) = expr.items()
    operator = OPERATORS.get(op)
    if operator is None:
        raise ValueError(_unknown_operator(op))
    args = arg if isinstance(arg, list) else [arg]
    problem = _arity_problem(op, len(args))
    if problem:
        raise ValueError(problem)
    return operator.run(args, scope)


def _unknown_operator(op: str) -> str:
    close = difflib.get_close_matches(op, list(OPERATORS), n=1)
    hint = f" (did you mean '{close[0]}'?)" if close else ""
    return f"unknown operator '{op}'{hint}"


def _arity_problem(op: str, count: int) -> str | None:
    operator = OPERATORS[op]
    if count < operator.min_args or (operator.max_args is not None and count > operator.max_args):
        if operator.max_args is None:
            wanted = f"at least {operator.min_args}"
        elif operator.min_args == operator.max_args:
            wanted = str(operator.min_args)
        else:
            wanted = f"{operator.min_args} to {operator.max_args}"
        return f"'{op}' takes {wanted} argument(s), got {count}"
    return None


def _var_path(arg: Any) -> str | None:
    if isinstance(arg, list) and 1 <= len(arg) <= 2:
        arg = arg[0]
    if isinstance(arg, str) and arg and all(arg.split(".")):
        return arg
    return None


def _op_var(args: list[Any], scope: Scope) -> Any:
    path = args[0] if isinstance(args[0], str) else None
    if path is None or _var_path(path) is None:
        raise ValueError(f"'var' takes a dotted path string or [path, default], got {args!r}")
    value = resolve_var(path, scope.data, scope.rows)
    if value is None and len(args) == 2:
        return _eval(args[1], scope)
    return value


def _resolve(value: Any, segments: Sequence[str], prefix: str, rows: Mapping[str, int]) -> Any:
    for i, segment in enumerate(segments):
        if isinstance(value, list):
            if _INDEX.match(segment):
                index = int(segment)
                value = value[index] if index < len(value) else None
                continue
            if prefix in rows:
                index = rows[prefix]
                value = value[index] if 0 <= index < len(value) else None
            else:
                # Outside a row, a path through a repeating group maps over its rows.
                return [_resolve(item, segments[i:], prefix, rows) for item in value]
        if not isinstance(value, Mapping):
            return None
        value = value.get(segment)
        prefix = f"{prefix}.{segment}" if prefix else segment
    return value


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _equal(a: Any, b: Any) -> bool:
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a == b
    if _is_number(a) and _is_number(b):
        return bool(a == b)
    return type(a) is type(b) and bool(a == b)


def _ordered(a: Any, b: Any, test: Callable[[Any, Any], bool]) -> bool:
    if (_is_number(a) and _is_number(b)) or (isinstance(a, str) and isinstance(b, str)):
        return test(a, b)
    return False


def _compare(test: Callable[[Any, Any], bool]) -> Callable[[list[Any], Scope], Any]:
    def run(args: list[Any], scope: Scope) -> bool:
        values = [_eval(a, scope) for a in args]
        return all(_ordered(x, y, test) for x, y in itertools.pairwise(values))

    return run


def _op_and(args: list[Any], scope: Scope) -> bool:
    return all(truthy(_eval(a, scope)) for a in args)


def _op_or(args: list[Any], scope: Scope) -> bool:
    return any(truthy(_eval(a, scope)) for a in args)


def _op_if(args: list[Any], scope: Scope) -> Any:
    for i in range(0, len(args) - 1, 2):
        if truthy(_eval(args[i], scope)):
            return _eval(args[i + 1], scope)
    return _eval(args[-1], scope) if len(args) % 2 else None


def _op_in(args: list[Any], scope: Scope) -> bool:
    needle, haystack = (_eval(a, scope) for a in args)
    if isinstance(haystack, list):
        return any(_equal(needle, item) for item in haystack)
    if isinstance(haystack, str) and isinstance(needle, str):
        return needle in haystack
    return False


def _op_present(args: list[Any], scope: Scope) -> bool:
    return all(_eval(a, scope) not in (None, "", [], {}) for a in args)


def _numbers(args: list[Any], scope: Scope) -> list[int | float] | None:
    values = [_eval(a, scope) for a in args]
    if not all(_is_number(v) for v in values):
        return None
    return values


def _op_add(args: list[Any], scope: Scope) -> int | float | None:
    values = _numbers(args, scope)
    return None if values is None else sum(values)


def _op_subtract(args: list[Any], scope: Scope) -> int | float | None:
    values = _numbers(args, scope)
    if values is None:
        return None
    return -values[0] if len(values) == 1 else values[0] - values[1]


def _op_multiply(args: list[Any], scope: Scope) -> int | float | None:
    values = _numbers(args, scope)
    if values is None:
        return None
    product: int | float = 1
    for v in values:
        product *= v
    return product


def _op_count(args: list[Any], scope: Scope) -> int:
    value = _eval(args[0], scope)
    if isinstance(value, list):
        return len(value)
    return 0 if value in (None, "") else 1


def _op_age(args: list[Any], scope: Scope) -> int | None:
    birth = parse_iso_date(_eval(args[0], scope))
    on = parse_iso_date(_eval(args[1], scope)) if len(args) == 2 else scope.current_date()
    if birth is None or on is None:
        return None
    return age_on(birth, on)


def _op_today(args: list[Any], scope: Scope) -> str:
    return scope.current_date().isoformat()


def _op_bank_kana(args: list[Any], scope: Scope) -> str | None:
    # The reading as a bank records a holder name (small kana large): lets a rule compare a
    # bank account holder with the claimant's reading.
    value = _eval(args[0], scope)
    return normalise_bank_kana(value) if isinstance(value, str) else None


def _op_not(args: list[Any], scope: Scope) -> bool:
    return not truthy(_eval(args[0], scope))


def _op_equal(args: list[Any], scope: Scope) -> bool:
    a, b = (_eval(x, scope) for x in args)
    return _equal(a, b)


def _op_not_equal(args: list[Any], scope: Scope) -> bool:
    return not _op_equal(args, scope)


OPERATORS: Mapping[str, _Operator] = {
    "var": _Operator(1, 2, _op_var),
    "==": _Operator(2, 2, _op_equal),
    "!=": _Operator(2, 2, _op_not_equal),
    "<": _Operator(2, 3, _compare(lambda a, b: a < b)),
    "<=": _Operator(2, 3, _compare(lambda a, b: a <= b)),
    ">": _Operator(2, 3, _compare(lambda a, b: a > b)),
    ">=": _Operator(2, 3, _compare(lambda a, b: a >= b)),
    "!": _Operator(1, 1, _op_not),
    "and": _Operator(1, None, _op_and),
    "or": _Operator(1, None, _op_or),
    "if": _Operator(2, None, _op_if),
    "in": _Operator(2, 2, _op_in),
    "present": _Operator(1, None, _op_present),
    "+": _Operator(1, None, _op_add),
    "-": _Operator(1, 2, _op_subtract),
    "*": _Operator(2, None, _op_multiply),
    "count": _Operator(1, 1, _op_count),
    "age": _Operator(1, 2, _op_age),
    "today": _Operator(0, 0, _op_today),
    "bank_kana": _Operator(1, 1, _op_bank_kana),
}
