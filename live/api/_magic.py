"""What a file's first bytes say it is, against what its name claims (upload checks).

A name's extension claims a type; :func:`content_matches` is True when the first bytes
carry that type's signature (a PNG must start with ``\\x89PNG…``). Text types must be
UTF-8 without NUL bytes. Extensions this table does not know are not checked (say so in
``accept`` only for types you check yourself).
"""

from __future__ import annotations

import os

__all__ = ["SIGNATURES", "content_matches"]

_JPEG = (b"\xff\xd8\xff",)
_ZIP = (b"PK\x03\x04", b"PK\x05\x06")
SIGNATURES: dict[str, tuple[bytes, ...]] = {
    ".png": (b"\x89PNG\r\n\x1a\n",),
    ".jpg": _JPEG,
    ".jpeg": _JPEG,
    ".gif": (b"GIF87a", b"GIF89a"),
    ".pdf": (b"%PDF-",),
    ".zip": _ZIP,
    ".docx": _ZIP,
    ".xlsx": _ZIP,
    ".pptx": _ZIP,
    ".odt": _ZIP,
    ".gz": (b"\x1f\x8b",),
    ".bmp": (b"BM",),
    ".ico": (b"\x00\x00\x01\x00",),
    ".mp3": (b"ID3", b"\xff\xfb", b"\xff\xf3", b"\xff\xf2"),
    ".ogg": (b"OggS",),
    ".flac": (b"fLaC",),
    ".wasm": (b"\x00asm",),
}
_RIFF = {".webp": b"WEBP", ".wav": b"WAVE", ".avi": b"AVI "}
_FTYP = frozenset({".mp4", ".m4a", ".mov", ".heic", ".avif"})
_TEXT = frozenset({".txt", ".csv", ".tsv", ".json", ".md", ".xml", ".yaml", ".yml", ".log"})


def content_matches(name: str, head: bytes) -> bool:
    """True when ``head`` (a file's first bytes, up to 512) fits the type ``name`` claims."""
    extension = os.path.splitext(name)[1].lower()
    if extension in SIGNATURES:
        return head.startswith(SIGNATURES[extension])
    if extension in _RIFF:
        return head[:4] == b"RIFF" and head[8:12] == _RIFF[extension]
    if extension in _FTYP:
        return head[4:8] == b"ftyp"
    if extension == ".svg":
        return False  # an SVG is a script carrier: accept it only through your own check
    if extension in _TEXT:
        return b"\x00" not in head and _utf8_prefix(head)
    return True


def _utf8_prefix(head: bytes) -> bool:
    # A multi-byte character may be cut at the end of the 512 bytes.
    for cut in range(4):
        try:
            head[: len(head) - cut].decode("utf-8")
        except UnicodeDecodeError:
            continue
        return True
    return False
