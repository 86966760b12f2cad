"""Numbers made of digits: phone, postal code, My Number, public and bank codes.

All accept full-width digits and the hyphens and spaces residents type between groups,
and store the digits only (leading zeros kept: these are codes, not quantities).
"""

from __future__ import annotations

from typing import Any, ClassVar

from forms.checkdigits import is_valid_lg_code, is_valid_my_number, lg_code_check_digit
from forms.errors import FieldError
from forms.japanese import ascii_digits
from forms.spec import FieldSpec
from forms.types.base import FieldContext, FieldType, not_text_error
from forms.types.registry import register_field_type

# Group separators: hyphens of every width, the long vowel mark an IME gives for "-",
# spaces, parentheses around an area code.
_SEPARATORS = str.maketrans(dict.fromkeys("-‐‑‒–—―−－ーｰ ()\u3000\t", ""))


def digits_of(value: str) -> str | None:
    """The ASCII digits of ``value`` without separators, or None when other characters remain."""
    digits = ascii_digits(value).translate(_SEPARATORS)
    return digits if digits.isascii() and digits.isdigit() else None


def format_postal_code(code: str) -> str:
    """A stored postal code as residents write it: ``1234567`` -> ``123-4567``."""
    return f"{code[:3]}-{code[3:]}" if len(code) == 7 else code


def mask_my_number(number: str) -> str:
    """A My Number with all but the last four digits hidden: ``********9018``."""
    return "*" * max(len(number) - 4, 0) + number[-4:]


class DigitsType(FieldType):
    """A code of exactly ``length`` digits (``pad``: up to ``length``, zero-padded)."""

    length: ClassVar[int]
    pad: ClassVar[bool] = False
    what_ja: ClassVar[str] = ""
    what_en: ClassVar[str] = ""

    def normalise_and_validate(
        self, value: Any, spec: FieldSpec, ctx: FieldContext
    ) -> tuple[Any, list[FieldError]]:
        if not isinstance(value, str):
            return value, [not_text_error(ctx)]
        digits = digits_of(value)
        if digits is not None and self.pad and 1 <= len(digits) <= self.length:
            digits = digits.zfill(self.length)
        if digits is None or len(digits) != self.length:
            return value, [self.format_error(ctx)]
        return self.check(digits, value, ctx)

    def check(self, digits: str, value: Any, ctx: FieldContext) -> tuple[Any, list[FieldError]]:
        """Checks beyond the digit count (check digits); the digits are well formed here."""
        return digits, []

    def format_error(self, ctx: FieldContext) -> FieldError:
        """The error for a value that is not the right number of digits."""
        count_ja = f"{self.length}桁以内" if self.pad else f"{self.length}桁"
        count_en = f"up to {self.length}" if self.pad else f"{self.length}"
        return ctx.error(
            "invalid",
            f"「{ctx.ja}」は{count_ja}の数字で入力してください。{self.what_ja}",
            f"{ctx.en} must be {count_en} digits. {self.what_en}".rstrip(),
        )

    def json_schema(self, spec: FieldSpec) -> dict[str, Any]:
        return {"type": "string", "pattern": f"^[0-9]{{{self.length}}}$"}


@register_field_type("postal_code")
class PostalCodeType(DigitsType):
    """A postal code: 7 digits, stored without the hyphen (``1234567``)."""

    length = 7
    what_ja = "例：123-4567"
    what_en = "For example 123-4567."

    def normalise_and_validate(
        self, value: Any, spec: FieldSpec, ctx: FieldContext
    ) -> tuple[Any, list[FieldError]]:
        if isinstance(value, str):
            value = value.strip().removeprefix("〒")
        return super().normalise_and_validate(value, spec, ctx)


@register_field_type("my_number")
class MyNumberType(DigitsType):
    """A My Number (個人番号): 12 digits with a check digit. Never put it in a log."""

    length = 12

    def check(self, digits: str, value: Any, ctx: FieldContext) -> tuple[Any, list[FieldError]]:
        if is_valid_my_number(digits):
            return digits, []
        return value, [
            ctx.error(
                "check_digit",
                f"{ctx.ja}の確認用の数字が正しくありません。12桁の番号をもう一度ご確認ください。",
                f"The check digit of {ctx.en} is not correct. "
                "Please check the 12-digit number again.",
            )
        ]

    def json_schema(self, spec: FieldSpec) -> dict[str, Any]:
        return super().json_schema(spec) | {"x-check-digit": "my_number", "x-sensitive": True}


@register_field_type("insured_number")
class InsuredNumberType(DigitsType):
    """A care insurance insured number (介護保険被保険者番号): 10 digits."""

    length = 10
    what_ja = "介護保険被保険者証に書かれている番号です。"
    what_en = "It is printed on the long-term care insurance card."


@register_field_type("lg_code")
class LgCodeType(DigitsType):
    """A local government code: 6 digits with a check digit; the 5-digit form is completed."""

    length = 6
    what_ja = "例：131016"
    what_en = "For example 131016."

    def normalise_and_validate(
        self, value: Any, spec: FieldSpec, ctx: FieldContext
    ) -> tuple[Any, list[FieldError]]:
        # The 5-digit form without check digit is in common use; complete it.
        digits = digits_of(value) if isinstance(value, str) else None
        if digits is not None and len(digits) == 5:
            return digits + str(lg_code_check_digit(digits)), []
        return super().normalise_and_validate(value, spec, ctx)

    def check(self, digits: str, value: Any, ctx: FieldContext) -> tuple[Any, list[FieldError]]:
        if is_valid_lg_code(digits):
            return digits, []
        return value, [
            ctx.error(
                "check_digit",
                f"「{ctx.ja}」の6桁目（確認用の数字）が正しくありません。"
                "団体コードをもう一度ご確認ください。",
                f"The check digit (6th digit) of {ctx.en} is not correct. "
                "Please check the local government code again.",
            )
        ]

    def json_schema(self, spec: FieldSpec) -> dict[str, Any]:
        return super().json_schema(spec) | {"x-check-digit": "lg_code"}


@register_field_type("bank_code")
class BankCodeType(DigitsType):
    """A bank code (金融機関コード): 4 digits."""

    length = 4
    what_ja = "金融機関コードは通帳やキャッシュカードで確認できます。"
    what_en = "The bank code is shown in the bank book or on the cash card."


@register_field_type("branch_code")
class BranchCodeType(DigitsType):
    """A branch code (支店コード): 3 digits."""

    length = 3
    what_ja = "支店コード（店番）は通帳やキャッシュカードで確認できます。"
    what_en = "The branch code is shown in the bank book or on the cash card."


@register_field_type("account_number")
class AccountNumberType(DigitsType):
    """An account number: up to 7 digits, stored zero-padded to 7 (``123`` -> ``0000123``)."""

    length = 7
    pad = True


@register_field_type("phone")
class PhoneType(FieldType):
    """A Japanese phone number: 10 or 11 digits starting with 0, stored as digits only."""

    def normalise_and_validate(
        self, value: Any, spec: FieldSpec, ctx: FieldContext
    ) -> tuple[Any, list[FieldError]]:
        if not isinstance(value, str):
            return value, [not_text_error(ctx)]
        text = ascii_digits(value).strip()
        digits = digits_of(text)
        if text.startswith("+81"):
            # The international form drops the trunk 0 (+81 90-... is 090-...); some
            # write it anyway in parentheses: +81 (0)90-...
            rest = digits_of(text[3:])
            digits = None if rest is None else "0" + rest.removeprefix("0")
        if digits is None or not digits.startswith("0") or len(digits) not in (10, 11):
            return value, [
                ctx.error(
                    "invalid",
                    f"「{ctx.ja}」は0から始まる10桁か11桁の番号で入力してください"
                    "（例：03-1234-5678、090-1234-5678）。",
                    f"{ctx.en} must be a Japanese phone number of 10 or 11 digits starting "
                    "with 0, like 03-1234-5678 or 090-1234-5678.",
                )
            ]
        return digits, []

    def json_schema(self, spec: FieldSpec) -> dict[str, Any]:
        return {"type": "string", "pattern": "^0[0-9]{9,10}$"}
