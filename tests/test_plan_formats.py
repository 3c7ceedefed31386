"""The same plan read from .txt, .docx and a text-layer .pdf gives the same result."""

from __future__ import annotations

from functools import cache
from typing import Any

import pytest

from plans.parser import read_plan
from tests.plan_builders import sample_text, text_to_docx, text_to_pdf

SAMPLES = ["000", "002", "004"]


def _comparable(data: bytes, name: str) -> dict[str, Any]:
    result = read_plan(data, name).to_json()
    result.pop("source")
    return result


@cache
def _from_text(key: str) -> dict[str, Any]:
    return _comparable(sample_text(key).encode("utf-8"), f"{key}.txt")


@pytest.mark.parametrize("key", SAMPLES)
def test_docx_reads_like_the_text(key: str) -> None:
    assert _comparable(text_to_docx(sample_text(key)), f"{key}.docx") == _from_text(key)


@pytest.mark.parametrize("key", SAMPLES)
def test_pdf_reads_like_the_text(key: str) -> None:
    assert _comparable(text_to_pdf(sample_text(key)), f"{key}.pdf") == _from_text(key)


def test_pdf_with_a_smaller_font_and_other_line_breaks_reads_the_same() -> None:
    # Different wrapping moves every line break; the paragraphs must not change.
    key = "004"
    assert _comparable(text_to_pdf(sample_text(key), font_size=10), "k.pdf") == _from_text(key)
