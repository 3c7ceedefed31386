"""The parser's result: a plan's header and its tasks, and their JSON (the `nhacviec plan parse` contract)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from plans.readers import FileType
from plans.text import (
    fold,
)
from timelang.deadlines import Deadline

DEFAULT_KIND = "KẾ HOẠCH"

# --- result --------------------------------------------------------------------------------


@dataclass
class ParsedTask:
    ref: str
    title: str
    lead: list[str] = field(default_factory=list)
    support: list[str] = field(default_factory=list)
    deadline_text: str | None = None
    deadline: Deadline | None = None
    detail: str = ""
    section: str = ""
    deadline_error: str | None = None
    # What the parser could not settle and the preview must ask about: "no_unit",
    # "deadline_unread", "date_guessed", "ocr" (read from a scan: any word may be misread).
    unsure: list[str] = field(default_factory=list)

    def to_json(self, reference: date, count: int = 4) -> dict[str, Any]:
        return {
            "ref": self.ref,
            "title": self.title,
            "lead": list(self.lead),
            "support": list(self.support),
            "deadline_text": self.deadline_text,
            "deadline": self.deadline.to_json(reference, count) if self.deadline else None,
            "section": self.section or None,
            "detail": self.detail or None,
            "deadline_error": self.deadline_error,
            "unsure": list(self.unsure),
        }


@dataclass
class ParsedPlan:
    kind: str
    number: str | None
    date: dt.date | None
    place: str | None
    title: str
    tasks: list[ParsedTask] = field(default_factory=list)
    issuer: str | None = None
    reference_date: dt.date | None = None
    source_name: str | None = None
    source_type: FileType | None = None
    warnings: list[str] = field(default_factory=list)
    ocr: bool = False  # read by OCR from a scan or a photo

    @property
    def deadline_reference(self) -> dt.date:
        """The day relative deadlines count from: the plan's date, else 1 January of its
        year, else the day it was read."""
        return self.date or self.reference_date or dt.date.today()

    def to_json(self, count: int = 4) -> dict[str, Any]:
        reference = self.deadline_reference
        return {
            "kind": self.kind,
            "number": self.number,
            "date": self.date.isoformat() if self.date else None,
            "place": self.place,
            "title": self.title,
            "tasks": [task.to_json(reference, count) for task in self.tasks],
            "issuer": self.issuer,
            "reference_date": reference.isoformat(),
            "source": {"name": self.source_name, "type": self.source_type, "ocr": self.ocr},
            "warnings": list(self.warnings),
        }

    def to_state(self) -> dict[str, Any]:
        """Everything needed to rebuild the plan later (a chat flow keeps it between the
        preview and the confirmation); deadlines travel as their schedule spec."""
        return {
            "kind": self.kind,
            "number": self.number,
            "date": self.date.isoformat() if self.date else None,
            "place": self.place,
            "title": self.title,
            "issuer": self.issuer,
            "reference_date": self.reference_date.isoformat() if self.reference_date else None,
            "source_name": self.source_name,
            "source_type": self.source_type,
            "warnings": list(self.warnings),
            "ocr": self.ocr,
            "tasks": [
                {
                    "ref": task.ref,
                    "title": task.title,
                    "lead": list(task.lead),
                    "support": list(task.support),
                    "deadline_text": task.deadline_text,
                    "deadline": task.deadline.to_spec() if task.deadline else None,
                    "detail": task.detail,
                    "section": task.section,
                    "deadline_error": task.deadline_error,
                    "unsure": list(task.unsure),
                }
                for task in self.tasks
            ],
        }

    @classmethod
    def from_state(cls, data: dict[str, Any]) -> ParsedPlan:
        tasks = [
            ParsedTask(
                ref=task["ref"],
                title=task["title"],
                lead=list(task["lead"]),
                support=list(task["support"]),
                deadline_text=task.get("deadline_text"),
                deadline=Deadline.from_spec(task["deadline"])
                if task.get("deadline")
                else None,
                detail=task.get("detail") or "",
                section=task.get("section") or "",
                deadline_error=task.get("deadline_error"),
                unsure=list(task.get("unsure") or []),
            )
            for task in data.get("tasks", [])
        ]
        return cls(
            kind=data["kind"],
            number=data.get("number"),
            date=date.fromisoformat(data["date"]) if data.get("date") else None,
            place=data.get("place"),
            title=data.get("title") or "",
            tasks=tasks,
            issuer=data.get("issuer"),
            reference_date=(
                date.fromisoformat(data["reference_date"]) if data.get("reference_date") else None
            ),
            source_name=data.get("source_name"),
            source_type=data.get("source_type"),
            warnings=list(data.get("warnings") or []),
            ocr=bool(data.get("ocr")),
        )

    def fingerprint(self) -> str:
        """Identifies the plan across imports: its number and date when it has them (a
        re-typed or re-exported copy is still the same plan), else its content."""
        if self.number and self.date:
            basis: Any = ["number", fold(self.number).replace(" ", ""), self.date.isoformat()]
        else:
            basis = [
                "content",
                fold(self.title),
                [[task.ref, fold(task.title)] for task in self.tasks],
            ]
        digest = hashlib.sha256(json.dumps(basis, ensure_ascii=False).encode("utf-8"))
        return digest.hexdigest()
