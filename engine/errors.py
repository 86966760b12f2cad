"""Errors the engine raises; each carries a stable code and ja/en messages for users."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from forms import FieldError


class EngineError(Exception):
    """Base: ``code`` is stable for clients; ``ja``/``en`` say what happened and what to do."""

    code = "engine_error"

    def __init__(self, ja: str, en: str, **details: Any) -> None:
        super().__init__(en)
        self.ja = ja
        self.en = en
        self.details = details


class NotFound(EngineError):
    code = "not_found"


class ConflictError(EngineError):
    """The case changed since the caller read it (optimistic locking)."""

    code = "conflict"

    def __init__(self, case_id: str, expected: int, current: int) -> None:
        super().__init__(
            f"この案件は他の職員が更新しました（現在の版 {current}、操作した版 {expected}）。"
            "画面を再読み込みして内容を確認してから、もう一度操作してください。",
            f"Someone changed this case (current version {current}, yours {expected}). "
            "Reload it, check the changes and try again.",
            case_id=case_id,
            expected_version=expected,
            current_version=current,
        )
        self.current_version = current


class InvalidTrigger(EngineError):
    """The trigger does not exist, or is not allowed in the current state."""

    code = "invalid_trigger"

    def __init__(self, trigger: str, state: str, allowed: Sequence[str]) -> None:
        names = ", ".join(allowed) or "なし" if allowed else "なし"
        names_en = ", ".join(allowed) or "none"
        super().__init__(
            f"現在の状態（{state}）では「{trigger}」はできません。今できる操作: {names}",
            f"'{trigger}' is not allowed in state '{state}'. Allowed now: {names_en}",
            trigger=trigger,
            state=state,
            allowed=list(allowed),
        )
        self.allowed = list(allowed)


class PermissionDenied(EngineError):
    code = "forbidden"


class CommentRequired(EngineError):
    code = "comment_required"


class GuardFailed(EngineError):
    """One or more guards refused the transition; every reason is listed."""

    code = "guard_failed"

    def __init__(self, reasons: Sequence[tuple[str, str]]) -> None:
        super().__init__(
            "この操作の条件を満たしていません: " + " / ".join(r[0] for r in reasons),
            "The conditions for this action are not met: " + " / ".join(r[1] for r in reasons),
            reasons=[{"ja": ja, "en": en} for ja, en in reasons],
        )
        self.reasons = list(reasons)


class ValidationFailed(EngineError):
    """The submitted data has mistakes; all of them are listed."""

    code = "validation_failed"

    def __init__(self, errors: Sequence[FieldError]) -> None:
        super().__init__(
            f"入力内容に{len(errors)}件の誤りがあります。各項目のメッセージを確認してください。",
            f"There are {len(errors)} problems with the data. See each field's message.",
        )
        self.errors = list(errors)


class ProcedureNotAccepting(EngineError):
    """The procedure is outside its effective period."""

    code = "procedure_not_accepting"


class IdempotencyConflict(EngineError):
    """The idempotency key was used before with a different request."""

    code = "idempotency_conflict"
