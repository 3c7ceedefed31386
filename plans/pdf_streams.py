"""Measures how far a PDF's streams inflate before pdfminer inflates them.

pdfminer decodes a stream whole, in memory, the moment it needs it (a page's content, a font,
the cross-reference stream while opening the file). So before opening the file we walk its
raw bytes, find every `stream … endstream`, and run its filters incrementally with a cap:
nothing larger than the per-stream limit is ever held, and a stream that would pass the
per-stream, total or ratio limit is refused. Image streams are skipped: the text reader never
decodes them.
"""

from __future__ import annotations

import io
import re
import zlib
from collections.abc import Iterator

from plans.limits import ReadGuard, count_text, size_text
from texts import messages

_STREAM = re.compile(rb"(?<!end)stream(?:\r\n|\n|\r)")
_FILTER = re.compile(rb"/Filter\s*(\[[^\]]*\]|/[A-Za-z0-9]+)")
_NAME = re.compile(rb"/([A-Za-z0-9]+)")
_LENGTH = re.compile(rb"/Length\s+(\d+)(?!\s+\d+\s+R)")
_CHUNK = 256 * 1024
_DICT_LOOKBACK = 4096

FLATE = {b"FlateDecode", b"Fl"}
LZW = {b"LZWDecode", b"LZW"}
RUN_LENGTH = {b"RunLengthDecode", b"RL"}
ASCII = {b"ASCIIHexDecode", b"AHx", b"ASCII85Decode", b"A85"}


class _TooLarge(Exception):
    """A stream's decoded size passed the cap; `size` is how far we got."""

    def __init__(self, size: int) -> None:
        super().__init__(size)
        self.size = size


def _streams(data: bytes) -> Iterator[tuple[bytes, bytes]]:
    """(dictionary text, raw bytes) of each stream. The raw bytes run to the declared
    /Length when it is a direct number, else to the next `endstream`."""
    for match in _STREAM.finditer(data):
        head = data[max(0, match.start() - _DICT_LOOKBACK) : match.start()]
        obj = head.rfind(b" obj")
        head = head[obj:] if obj >= 0 else head
        start = match.end()
        length = _LENGTH.search(head)
        end = -1
        if length is not None:
            candidate = start + int(length.group(1))
            if data[candidate : candidate + 32].lstrip().startswith(b"endstream"):
                end = candidate
        if end < 0:
            end = data.find(b"endstream", start)
            end = len(data) if end < 0 else end
        yield head, data[start:end]


def _filters(head: bytes) -> list[bytes]:
    found = _FILTER.search(head)
    return _NAME.findall(found.group(1)) if found else []


def _inflate(raw: bytes, cap: int, keep: bool) -> tuple[int, bytes]:
    """Decoded size of a Flate stream (and the bytes if `keep`), never past `cap`."""
    decompressor = zlib.decompressobj()
    size = 0
    kept: list[bytes] = []
    view = memoryview(raw)
    for offset in range(0, len(raw), _CHUNK):
        piece: bytes | memoryview = view[offset : offset + _CHUNK]
        while piece:
            out = decompressor.decompress(piece, _CHUNK)
            size += len(out)
            if size > cap:
                raise _TooLarge(size)
            if keep:
                kept.append(out)
            piece = decompressor.unconsumed_tail
            if decompressor.eof:
                return size, b"".join(kept)
    return size, b"".join(kept)


def _lzw(raw: bytes, cap: int, keep: bool) -> tuple[int, bytes]:
    # pdfminer loads only when a PDF is read (optional heavy library).
    from pdfminer.lzw import LZWDecoder

    size = 0
    kept: list[bytes] = []
    for out in LZWDecoder(io.BytesIO(raw)).run():
        size += len(out)
        if size > cap:
            raise _TooLarge(size)
        if keep:
            kept.append(out)
    return size, b"".join(kept)


def _run_length_size(raw: bytes) -> int:
    """RunLength decodes to at most 128 bytes per 2 read; we only need the size."""
    size = index = 0
    while index < len(raw):
        length = raw[index]
        if length == 128:
            break
        if length < 128:
            size += length + 1
            index += length + 2
        else:
            size += 257 - length
            index += 2
    return size


def _decoded_size(raw: bytes, filters: list[bytes], cap: int) -> int:
    """How large the stream decodes, following its filters in order; 0 when a filter fails
    (pdfminer will fail on it too) or the rest are image codecs we never decode."""
    data = raw
    size = len(raw)
    for position, name in enumerate(filters):
        last = position == len(filters) - 1
        try:
            if name in FLATE:
                size, data = _inflate(data, cap, keep=not last)
            elif name in LZW:
                size, data = _lzw(data, cap, keep=not last)
            elif name in RUN_LENGTH and last:
                size = _run_length_size(data)
            elif name in RUN_LENGTH:
                # pdfminer loads only when a PDF is read (optional heavy library).
                from pdfminer.runlength import rldecode

                data = rldecode(data)
                size = len(data)
            elif name in ASCII:
                # pdfminer loads only when a PDF is read (optional heavy library).
                from pdfminer.ascii85 import ascii85decode, asciihexdecode

                data = asciihexdecode(data) if name in (b"ASCIIHexDecode", b"AHx") else (
                    ascii85decode(data))
                size = len(data)
            else:
                return size  # DCT, JPX, CCITT, JBIG2: images, left encoded
        except _TooLarge:
            raise
        except Exception:
            return 0
        if size > cap:
            raise _TooLarge(size)
    return size


def check_pdf_streams(data: bytes, guard: ReadGuard) -> None:
    limits = guard.limits
    total = 0
    for head, raw in _streams(data):
        guard.tick()
        if b"/Image" in head:
            continue
        filters = _filters(head)
        if not filters:
            size = len(raw)
        else:
            try:
                size = _decoded_size(raw, filters, limits.pdf_max_stream_bytes)
            except _TooLarge as error:
                raise guard.refuse(
                    "limit_pdf_stream", messages.READ_LIMIT_PDF_STREAM,
                    size=size_text(error.size), limit=size_text(limits.pdf_max_stream_bytes),
                ) from None
        ratio = size / max(len(raw), 1)
        if size > limits.zip_ratio_floor_bytes and ratio > limits.pdf_max_ratio:
            raise guard.refuse(
                "limit_pdf_ratio", messages.READ_LIMIT_PDF_RATIO,
                ratio=count_text(ratio), limit=count_text(limits.pdf_max_ratio),
            )
        total += size
        if total > limits.pdf_max_total_bytes:
            raise guard.refuse(
                "limit_pdf_total", messages.READ_LIMIT_PDF_TOTAL,
                size=size_text(total), limit=size_text(limits.pdf_max_total_bytes),
            )


def check_encrypted_streams(document: object, guard: ReadGuard) -> None:
    """Same measure for an encrypted PDF (owner password only, readable without one), whose
    raw streams are ciphertext: pdfminer's parsed objects are walked and each stream is
    deciphered, then measured. Objects inside object streams are never streams themselves."""
    # pdfminer loads only when a PDF is read (optional heavy library).
    from pdfminer.pdftypes import PDFStream

    limits = guard.limits
    total = 0
    seen: set[int] = set()
    for xref in getattr(document, "xrefs", []):
        for objid in xref.get_objids():
            guard.tick()
            if objid in seen:
                continue
            seen.add(objid)
            try:
                stream_id, _, _ = xref.get_pos(objid)
                if stream_id is not None:
                    continue
                obj = document.getobj(objid)  # type: ignore[attr-defined]
            except Exception:
                continue
            if not isinstance(obj, PDFStream):
                continue
            if getattr(obj.get("Subtype"), "name", None) == "Image":
                continue
            raw = obj.rawdata or b""
            if obj.decipher:
                raw = obj.decipher(obj.objid or 0, obj.genno or 0, raw, obj.attrs)
            filters = [name.encode() for name in _filter_names(obj)]
            try:
                size = _decoded_size(raw, filters, limits.pdf_max_stream_bytes)
            except _TooLarge as error:
                raise guard.refuse(
                    "limit_pdf_stream", messages.READ_LIMIT_PDF_STREAM,
                    size=size_text(error.size), limit=size_text(limits.pdf_max_stream_bytes),
                ) from None
            total += size
            if total > limits.pdf_max_total_bytes:
                raise guard.refuse(
                    "limit_pdf_total", messages.READ_LIMIT_PDF_TOTAL,
                    size=size_text(total), limit=size_text(limits.pdf_max_total_bytes),
                )


def _filter_names(stream: object) -> list[str]:
    names: list[str] = []
    for literal, _ in stream.get_filters():  # type: ignore[attr-defined]
        names.append(getattr(literal, "name", str(literal)))
    return names
