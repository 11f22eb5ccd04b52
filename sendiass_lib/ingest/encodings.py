"""A text extract's bytes as UTF-8, whatever encoding it was saved in: UTF-16 (with BOM), UTF-8
with or without BOM, else Windows-1252, as the spreadsheet and export tools people use write them.
"""

from __future__ import annotations

import codecs

from .errors import ExtractError


def utf8_bytes(data: bytes, name: str) -> tuple[bytes, str]:
    """The file as UTF-8 bytes (a UTF-8 BOM kept: the CSV reader skips it), and the encoding it was
    in: BOM first, then UTF-8, then Windows-1252. UTF-8 input is checked in slices, never copied:
    a 250 MB export would otherwise be held two or three times over."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16").encode("utf-8"), "utf-16"
    encoding = "utf-8-sig" if data.startswith(codecs.BOM_UTF8) else "utf-8"
    if _is_utf8(data):
        return data, encoding
    if encoding == "utf-8-sig":
        data = data[len(codecs.BOM_UTF8) :]
    try:
        return data.decode("cp1252").encode("utf-8"), "cp1252"
    except UnicodeDecodeError:
        raise ExtractError(
            f"{name}: unreadable encoding (not UTF-8 or Windows-1252); save it as CSV UTF-8"
        ) from None


def _is_utf8(data: bytes, slice_bytes: int = 1 << 24) -> bool:
    """Whether `data` is valid UTF-8, decoded a slice at a time (never the whole file as one str)."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    view = memoryview(data)
    try:
        for start in range(0, len(view), slice_bytes):
            decoder.decode(view[start : start + slice_bytes])
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True
