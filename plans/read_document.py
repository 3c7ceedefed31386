"""What a plan reader hands the parser: ordered paragraphs and tables, and the one error a
reader raises. Also the line-joining rules shared by the text, Word and PDF readers."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal

from plans.text import FOOTNOTE_LINE, starts_lowercase

FileType = Literal["text", "markdown", "docx", "pdf", "xlsx", "image"]

class PlanReadError(ValueError):
    """A file we will not read. `message` is Vietnamese and safe to show to the sender."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class Paragraph:
    text: str


@dataclass(frozen=True)
class Table:
    rows: tuple[tuple[str, ...], ...]
    name: str | None = None  # the sheet name for spreadsheets


Block = Paragraph | Table


@dataclass(frozen=True)
class ReadDocument:
    filename: str
    file_type: FileType
    blocks: tuple[Block, ...]
    pages: int | None = None
    warnings: tuple[str, ...] = field(default=())
    # Read by OCR from page images (plans.ocr): every word may be misread.
    ocr: bool = False

    @property
    def paragraphs(self) -> list[str]:
        return [block.text for block in self.blocks if isinstance(block, Paragraph)]

    @property
    def tables(self) -> list[Table]:
        return [block for block in self.blocks if isinstance(block, Table)]



# --- joining lines into paragraphs ---------------------------------------------------------

_BULLET_START = re.compile(r"^\s*(?:[-–—•+·▪►❖◦○]|\*(?!\*)|\*\*\*)\s+")
_STRUCTURE_START = re.compile(
    r"^\s*(?:[-–—•+·▪►❖◦○*]+\s|(?:[IVXL]+|\d+(?:\.\d+)*|[a-zđ])[.)]\s|\d+(?:\.\d+)+\s)",
    re.IGNORECASE,
)
_LONE_WORD_BULLET = re.compile(r"^\s*[-–—•+·▪►❖◦○*]\s+[^\W\d_]+$")
_LABEL_START = re.compile(r"^\s*\**\s*[A-ZÀ-Ỵ][^:.;]{0,40}:\s")


def _line_is_uppercase(line: str) -> bool:
    letters = [ch for ch in line if ch.isalpha()]
    return len(letters) >= 3 and all(ch.isupper() for ch in letters)


def text_is_hard_wrapped(blocks: list[list[str]]) -> bool:
    """Whether a text's paragraphs, one block between blank lines each, are hard-wrapped at a
    fixed width: most of its blocks of three lines or more are."""
    long_blocks = [block for block in blocks if len(block) >= 3]
    # The first line may be indented or follow a label ("Thực hiện Quyết định số"): only
    # the lines between the first and the last show the width.
    wrapped = sum(
        1
        for block in long_blocks
        if max(map(len, block)) <= 110
        and all(len(line) >= max(map(len, block)) * 0.6 for line in block[1:-1])
    )
    return len(long_blocks) >= 5 and wrapped >= len(long_blocks) * 0.7


def _is_hard_wrapped(lines: list[str]) -> bool:
    """Prose wrapped at a fixed width (e-mails, Markdown) has several lines of similar,
    moderate length; a plan pasted one paragraph a line has long or ragged lines."""
    lengths = [len(line) for line in lines]
    if len(lengths) < 3 or max(lengths) > 110:
        return False
    widest = max(lengths)
    return sum(1 for length in lengths[:-1] if length >= widest * 0.6) >= (len(lengths) - 1) * 0.7


def join_wrapped_lines(lines: Iterable[str], *, text_wrapped: bool = False) -> list[str]:
    """Lines of one block -> paragraphs. A line starting in lower case always continues the
    one above (a sentence cut by a page or line break). In hard-wrapped text every line
    continues the one above unless it starts something new: a list marker, a numbered
    heading, a "Nhãn:" label, or a heading in capitals."""
    stripped = [line.strip() for line in lines if line.strip()]
    wrapped = _is_hard_wrapped(stripped) or (
        # A two-line block of a text hard-wrapped throughout ("1. Phổ biến, giáo dục Luật" /
        # "Việc làm và …", then a blank line): one paragraph, like its longer neighbours.
        text_wrapped and len(stripped) == 2 and max(len(line) for line in stripped) <= 110
    )
    paragraphs: list[str] = []
    previous = ""
    widest = max((len(line) for line in stripped), default=0)
    for line in stripped:
        structural = _STRUCTURE_START.match(line) is not None
        if not paragraphs or _line_is_uppercase(previous) or _line_is_uppercase(line):
            glue = False
        elif starts_lowercase(line) and not structural:
            glue = True
        elif not structural and _LONE_WORD_BULLET.match(previous):
            glue = True  # "+ Sở" / "Xây dựng: hướng dẫn …": a bullet cut after its first word
        elif previous.endswith(",") and not structural and not _LABEL_START.match(line):
            glue = True  # a name or a sentence cut after a comma: "Viện Văn hóa, Nghệ thuật,"
        else:
            # "… các Khu công nghiệp Quảng" / "Ngãi: hướng dẫn …": a full line cut mid-name
            # before a colon is no label.
            cut_name = wrapped and previous[-1:].isalpha() and len(previous) >= widest * 0.8
            glue = wrapped and not (
                structural
                or (_LABEL_START.match(line) is not None and not cut_name)
                or FOOTNOTE_LINE.match(line) is not None
            )
        if glue:
            paragraphs[-1] = f"{paragraphs[-1]} {line}"
        else:
            paragraphs.append(line)
        previous = line
    return paragraphs

