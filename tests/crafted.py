"""Small crafted plan files that used to exhaust memory or time (issue 11, "High 2").

Each builder writes the file by hand (raw XML in a zip, raw PDF objects) because the usual
writers would themselves expand what the file only declares: openpyxl materialises every
cell of a merged range before saving. Sizes on disk stay small; what they declare is huge.
"""

from __future__ import annotations

import io
import zipfile
import zlib

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    "{overrides}</Types>"
)
_ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="{target}"/></Relationships>'
)
_SHEET_NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'


def _xlsx(sheet_xml: str) -> bytes:
    overrides = (
        '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
        'officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    )
    workbook = (
        f'<?xml version="1.0" encoding="UTF-8"?><workbook {_SHEET_NS} '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        '<sheets><sheet name="Kế hoạch" sheetId="1" r:id="rId1"/></sheets></workbook>'
    )
    workbook_rels = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES.format(overrides=overrides))
        archive.writestr("_rels/.rels", _ROOT_RELS.format(target="xl/workbook.xml"))
        archive.writestr("xl/workbook.xml", workbook)
        archive.writestr("xl/_rels/workbook.xml.rels", workbook_rels)
        archive.writestr("xl/worksheets/sheet1.xml", sheet_xml)
    return buffer.getvalue()


def _inline(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def xlsx_huge_merge() -> bytes:
    """One merged range over the whole sheet, A1:XFD1048576 (17 billion cells)."""
    sheet = (
        f'<?xml version="1.0" encoding="UTF-8"?><worksheet {_SHEET_NS}>'
        '<dimension ref="A1"/><sheetData><row r="1">'
        + _inline("A1", "1. Rà soát thủ tục hành chính")
        + '</row></sheetData><mergeCells count="1"><mergeCell ref="A1:XFD1048576"/>'
        "</mergeCells></worksheet>"
    )
    return _xlsx(sheet)


def xlsx_far_corners(declare: bool = True) -> bytes:
    """Two cells, A1 and XFD1048576: the used range spans the whole sheet. With `declare`
    off the sheet carries no <dimension>, so only the cells themselves tell."""
    dimension = '<dimension ref="A1:XFD1048576"/>' if declare else ""
    sheet = (
        f'<?xml version="1.0" encoding="UTF-8"?><worksheet {_SHEET_NS}>{dimension}<sheetData>'
        '<row r="1">' + _inline("A1", "1. Rà soát thủ tục hành chính") + "</row>"
        '<row r="1048576">' + _inline("XFD1048576", "Sở Tư pháp") + "</row>"
        "</sheetData></worksheet>"
    )
    return _xlsx(sheet)


def docx_xml_bomb(xml_megabytes: int = 200) -> bytes:
    """A Word file whose document.xml holds `xml_megabytes` MB of paragraphs, compressed
    to a few hundred KB. Written in chunks so building it needs little memory."""
    overrides = (
        '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-'
        'officedocument.wordprocessingml.document.main+xml"/>'
    )
    paragraph = b"<w:p><w:r><w:t>1. R\xc3\xa0 so\xc3\xa1t th\xe1\xbb\xa7 t\xe1\xbb\xa5c.</w:t></w:r></w:p>"
    chunk = paragraph * (1024 * 1024 // len(paragraph) + 1)
    chunk = chunk[: len(chunk) - len(chunk) % len(paragraph)]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES.format(overrides=overrides))
        archive.writestr("_rels/.rels", _ROOT_RELS.format(target="word/document.xml"))
        with archive.open("word/document.xml", "w", force_zip64=True) as member:
            member.write(
                b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/'
                b'2006/main"><w:body>'
            )
            written = 0
            while written < xml_megabytes * 1024 * 1024:
                member.write(chunk)
                written += len(chunk)
            member.write(b"</w:body></w:document>")
    return buffer.getvalue()


def pdf_stream_bomb(inflated_megabytes: int = 400) -> bytes:
    """A one-page PDF whose content stream inflates to `inflated_megabytes` MB of text
    operators (each draws a character), deflated to about a megabyte."""
    line = b"BT /F1 9 Tf 72 720 Td (Ra soat thu tuc hanh chinh) Tj ET\n"
    chunk = line * (1024 * 1024 // len(line) + 1)
    compressor = zlib.compressobj(9)
    parts = [compressor.compress(chunk) for _ in range(inflated_megabytes)]
    parts.append(compressor.flush())
    stream = b"".join(parts)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(
        b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    )
    return out.getvalue()


CRAFTED = {
    "merge_A1_XFD1048576.xlsx": xlsx_huge_merge,
    "cells_A1_XFD1048576.xlsx": xlsx_far_corners,
    "cells_A1_XFD1048576_undeclared.xlsx": lambda: xlsx_far_corners(declare=False),
    "stream_400MB.pdf": pdf_stream_bomb,
    "xml_200MB.docx": docx_xml_bomb,
}


def measure(name: str) -> dict[str, object]:
    """Builds one crafted file and reads it with the default limits, in this process;
    returns the outcome, the seconds the read took and the process's peak RSS (MB)."""
    import time

    from plans.readers import PlanReadError, read_document

    data = CRAFTED[name]()
    outcome: dict[str, object] = {"name": name, "bytes": len(data)}
    start = time.perf_counter()
    try:
        document = read_document(data, name)
        outcome["outcome"] = f"read: {len(document.blocks)} block(s)"
    except PlanReadError as error:
        outcome["code"] = error.code
        outcome["outcome"] = f"refused ({error.code})"
        outcome["message"] = error.message
    outcome["seconds"] = round(time.perf_counter() - start, 3)
    outcome["peak_mb"] = round(peak_rss_kb() / 1024, 1)
    return outcome


def peak_rss_kb() -> int:
    """This process's own peak resident memory. Linux carries ru_maxrss across fork and exec
    (a child of a 400 MB pytest starts at 400 MB), so read the high-water mark of this
    address space from /proc where there is one."""
    import resource

    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def measure_in_child(name: str, timeout: float = 120, memory_cap_mb: int = 4096) -> dict[str, object]:
    """`measure` in a fresh interpreter (so peak RSS is this file's alone), under an
    address-space cap and a timeout so that a regression fails instead of taking the machine."""
    import json
    import resource
    import subprocess
    import sys
    from pathlib import Path

    def cap() -> None:
        limit = memory_cap_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    try:
        done = subprocess.run(
            [sys.executable, "-m", "tests.crafted", name], cwd=Path(__file__).resolve().parent.parent,
            capture_output=True, text=True, timeout=timeout, preexec_fn=cap, check=False,
        )
    except subprocess.TimeoutExpired:
        return {"name": name, "outcome": f"not done after {timeout:.0f} s", "seconds": timeout}
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["?"])[-1]
        return {"name": name, "outcome": f"crashed: {last[:120]}", "returncode": done.returncode}
    return json.loads(done.stdout.strip().splitlines()[-1])


if __name__ == "__main__":
    import json
    import sys

    print(json.dumps(measure(sys.argv[1]), ensure_ascii=False))
