"""Encryption at rest of personal numbers in case data (My Number, 個人番号).

Values of fields typed ``my_number`` are replaced by ``{"$enc": "v1:<base64>"}`` (AES-256-GCM,
key generated into the data dir) before a case or event is written, and decrypted only
for the code paths that need the number itself.
"""

from __future__ import annotations

import base64
import os
from collections.abc import Callable, Iterable
from typing import Any

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from forms.spec import FormSpec

SENSITIVE_TYPES = frozenset({"my_number"})
MARK = "$enc"


class SecretBox:
    """Authenticated encryption of short strings with one data key."""

    def __init__(self, key: bytes) -> None:
        if len(key) != 32:
            raise ValueError("the data key must be 32 bytes")
        self._aead = AESGCM(key)

    def seal(self, plain: str) -> dict[str, str]:
        """The encrypted form of ``plain``."""
        nonce = os.urandom(12)
        blob = nonce + self._aead.encrypt(nonce, plain.encode("utf-8"), b"madoguchi-pii")
        return {MARK: "v1:" + base64.b64encode(blob).decode("ascii")}

    def open(self, sealed: dict[str, str]) -> str:
        """The plain text of a value made by :meth:`seal`."""
        version, _, b64 = sealed[MARK].partition(":")
        if version != "v1":
            raise ValueError(f"unknown encryption version {version!r}")
        blob = base64.b64decode(b64)
        return self._aead.decrypt(blob[:12], blob[12:], b"madoguchi-pii").decode("utf-8")


def sensitive_paths(form: FormSpec) -> list[str]:
    """Dotted paths (``[]`` for repeated rows) of the fields that must be encrypted."""
    return [path for path, f in form.iter_fields() if f.type in SENSITIVE_TYPES]


def _walk(data: Any, parts: list[str], fn: Callable[[Any], Any]) -> None:
    if not parts or not isinstance(data, dict):
        return
    head, rest = parts[0], parts[1:]
    repeated = head.endswith("[]")
    key = head[:-2] if repeated else head
    if key not in data:
        return
    if repeated:
        for row in data[key] if isinstance(data[key], list) else []:
            _walk(row, rest, fn)
    elif rest:
        _walk(data[key], rest, fn)
    elif data[key] is not None:
        data[key] = fn(data[key])


def _split(path: str) -> list[str]:
    return path.replace("[].", "[]\x00").replace(".", "\x00").split("\x00")


def transform(data: dict[str, Any], paths: Iterable[str], fn: Callable[[Any], Any]) -> None:
    """Apply ``fn`` in place to every value at ``paths`` inside ``data``."""
    for path in paths:
        _walk(data, _split(path), fn)


def encrypt_data(box: SecretBox, data: dict[str, Any], paths: Iterable[str]) -> None:
    """Encrypt in place the values at ``paths`` that are not encrypted yet."""
    transform(data, paths, lambda v: v if isinstance(v, dict) and MARK in v else box.seal(str(v)))


def decrypt_data(box: SecretBox, data: dict[str, Any], paths: Iterable[str]) -> None:
    """Decrypt in place the values at ``paths``."""
    transform(data, paths, lambda v: box.open(v) if isinstance(v, dict) and MARK in v else v)
