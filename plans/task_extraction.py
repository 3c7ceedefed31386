"""Task extraction: the leaves of the document tree become tasks with their lead units and deadlines."""

from __future__ import annotations

import re
from datetime import date
from typing import TYPE_CHECKING, Any

from plans.text import (
    ends_sentence,
    fold,
    sentence_case,
)
from plans.unitnames import (
    introduction_support,
    introduction_units,
    subject_units,
)
from plans.units import GAZETTEER, duty_sentences, sentence_actors

if TYPE_CHECKING:
    from timelang.deadlines import Deadline
from plans.block_shapes import (
    _fold_list_introduction,
    _numbered_budget,
    _unit_heading,
    _unit_prefix,
    unit_sub_items,
)
from plans.document import (
    _FACT_LABELS,
    RANK_ITEM,
    _Attr,
    _dedupe,
    _Effective,
    _Node,
)
from plans.duty_split import _LABELLED_TEXT, _dated_duties, _head_actors
from plans.non_task_blocks import (
    _BRACKET_NUMBER,
    content_line_duty,
    cooperating_bodies,
    duty_with_requirements,
    inspection_checklist,
    non_task_block,
    share_trailing_assignment,
)
from plans.plan_deadlines import (
    _once_phrase,
    _phrase_candidates,
    _recurring_regimes,
    _Regime,
    is_dependent_time,
    is_open_start,
    read_deadline,
    vague_regime,
)
from plans.plan_model import ParsedTask
from plans.spec_lines import (
    campaign_description,
    document_citation,
    follows_other_text,
    specification,
    topic_heading,
)
from plans.task_titles import _section_path, _task_texts
from plans.task_units import subject_over_list, task_units

# --- tasks from the tree -------------------------------------------------------------------


def _assign_refs(node: _Node, items: int = 0) -> int:
    """Give `node`'s blocks their refs; returns how many plain items it numbered. An unlabelled
    heading ("Năm 2026:" over bullets) is no level of its own: its items go on the parent's
    count ("III-3", "III-4" after "III-1", "III-2")."""
    for child in node.children:
        if child.kind == "letter" and not child.label:
            child.ref = node.ref
            items = _assign_refs(child, items)
            continue
        if child.kind == "section":
            if child.annex and child.label == "PL":
                child.ref = "PL"
            elif child.annex:
                child.ref = f"PL.{child.label}" if child.label else node.ref
            elif node.kind == "section" and node.ref and child.label:
                child.ref = f"{node.ref}.{child.label}"  # a table's "I" rows inside part II
            else:
                child.ref = child.label or node.ref
        elif child.kind == "number":
            section = _section_ref(node)
            child.ref = f"{section}.{child.label}" if section else child.label
        elif child.kind == "letter":
            child.ref = f"{node.ref}.{child.label}" if node.ref else child.label
        elif child.kind == "code":
            child.ref = f"{node.ref} ({child.label})" if node.ref else child.label
        else:
            items += 1
            child.ref = f"{node.ref}-{items}" if node.ref else str(items)
        _assign_refs(child)
    return items


def _section_ref(node: _Node) -> str:
    current: _Node | None = node
    while current is not None and current.kind not in ("section", "root"):
        current = current.parent
    return current.ref if current is not None else ""



_REQUIREMENT_HEADING = re.compile(r"^yeu cau ve\b")
_CLOSING_ITEM = re.compile(
    r"^(?:trong )?qua trinh (?:thuc hien|trien khai)\b.{0,80}\bneu co (?:kho khan|vuong mac)"
    r"|^neu co kho khan,? vuong mac"
)
# "Đoàn kiểm tra … nếu có vấn đề gì phát sinh, khó khăn, vướng mắc … thì báo cáo kịp thời":
# whom to tell of problems, not work.
_PROBLEMS_REPORTED = re.compile(
    r"^.{0,100}\bneu co (?:van de (?:gi )?phat sinh,? )?(?:kho khan|vuong mac)\b"
    r".{0,240}\bthi (?:bao cao|phan anh)\b"
)
_BUDGET_SOURCE = re.compile(
    r"^kinh phi(?: thuc hien| bao dam thuc hien| trien khai)?(?: (?:ke hoach|de an|chuong trinh)(?: nay)?)?"
    r"\s*(?::|(?:duoc )?(?:do|tu|bo tri tu|dam bao tu|thuc hien theo)\b)"
    # "Kinh phí phục vụ công tác … được thực hiện theo quy định tại Thông tư …".
    r"|^kinh phi\b[^;:]{0,200}?\bduoc (?:thuc hien theo|bo tri tu|dam bao tu|chi tu)\b"
)
_COLLAPSE_SECTION = re.compile(r"^kinh phi\b")
_ASSIGNING = re.compile(r"\b(?:chủ trì|được giao|có trách nhiệm|phụ trách)\b", re.I)
_GROUP_HEADING = re.compile(r"^(?:doi voi|trach nhiem cua)\b")
_TOPIC_HEADING = re.compile(r"^ve\b")
# "… phải bảo đảm …", "Việc triển khai … phải được thực hiện bằng …": how, not what.
_PRINCIPLE = re.compile(r"\bphai (?:bao dam|dam bao|duoc (?:thuc hien|trien khai|tien hanh))\b")


def _deadline_scope(node: _Node) -> str:
    parts = [node.text] + [text for text in node.body if not _FACT_LABELS.match(text)]
    return " ".join(parts)


class _TaskBuilder:
    def __init__(
        self, reference: date, calendar: Any = None, *, guessed_date: bool = False
    ) -> None:
        self.reference = reference
        # No readable plan date: relative deadlines count from a day the parser had to pick.
        self.guessed_date = guessed_date
        self.calendar = calendar
        self.tasks: list[ParsedTask] = []
        # Sections repeat one phrase over dozens of tasks; read each once.
        self._deadlines: dict[tuple[str, ...], tuple[Deadline | None, str | None]] = {}

    def _read(self, candidates: list[str]) -> tuple[Deadline | None, str | None]:
        key = tuple(candidates)
        if key not in self._deadlines:
            self._deadlines[key] = read_deadline(candidates, self.reference, self.calendar)
        return self._deadlines[key]

    def walk(self, node: _Node, inherited: _Effective) -> None:
        if node.skip or (node.kind != "root" and campaign_description(node)):
            return
        if non_task_block(node):
            return
        if inspection_checklist(node):
            # "2. Kiểm tra việc …" and the points it looks at: one duty.
            self._collapsed(node, inherited)
            return
        if (split := duty_with_requirements(node)) is not None:
            # "1.1. Xây dựng …." with requirement bullets and its own "Đơn vị chủ trì" line.
            duties, details = split
            effective = inherited.with_units(node.attrs).with_time(node.attrs)
            if helpers := cooperating_bodies(details):
                effective = _Effective(
                    effective.lead,
                    _dedupe([*(effective.support or []), *helpers]),
                    effective.time,
                    effective.labelled,
                )
            node.body = [*node.body, *(line for d in details for line in (d.text, *d.body))]
            node.children = duties
            self._emit(node, effective, node.ref)
            for duty in duties:
                # "(1) Tổ chức …": the bracketed number is a label, not the title.
                duty.text = _BRACKET_NUMBER.sub("", duty.text)
                self.walk(duty, effective)
            return
        if node.collapse and not _numbered_budget(node):
            self._collapsed(node, inherited)
            return
        if (content := content_line_duty(node)) is not None:
            # "3. Hội nghị …" / "Nội dung: …" and its assignment lines, then sub-items.
            own_attrs = [a for a in node.attrs if a.position == 0]
            duty = _Node("item", "", content, RANK_ITEM, parent=node)
            duty.ref = node.ref
            self._emit(duty, inherited.with_units(own_attrs).with_time(own_attrs), node.ref)
            node.attrs = [a for a in node.attrs if a.position != 0]
            node.body = [line for line in node.body if fold(line) != fold(f"Nội dung: {content}")]
        _fold_list_introduction(node)
        own = [a for a in node.attrs if a.position == 0] if node.children else list(node.attrs)
        effective = inherited.with_units(own).with_time(own)
        prefix = _unit_prefix(node.text) if node.kind in ("number", "letter") else None
        live_children = [child for child in node.children if not child.skip]
        if live_children and node.kind in ("number", "letter") and node.text.rstrip().endswith(
            ":"
        ) and _PRINCIPLE.search(fold(node.text)):
            # "4.1.b. Việc hỗ trợ … phải bảo đảm yêu cầu sau đây:" and its list: standards.
            return
        heading_units = prefix[0] if prefix else None
        introduction: str | None = None
        heading_unit = _unit_heading(node) if not prefix else None
        if not prefix and not heading_unit and live_children and node.kind in ("number", "letter"):
            # "1. Sở X có trách nhiệm:" and its list: each item is the unit's duty.
            heading_units = introduction_units(node.text) or None
            introduction = node.text
            if heading_units is None and node.body and node.body[-1].rstrip().endswith(":"):
                # "d) Các hoạt động chính" / "Căn cứ …, các cơ quan, đơn vị phối hợp thực
                # hiện các hoạt động sau:" / "- …": the introduction below the heading.
                heading_units = introduction_units(node.body[-1]) or None
                introduction = node.body[-1]
        if (node.kind in ("number", "letter") and not prefix and not heading_unit
                and not heading_units and (spec := specification(node, live_children))):
            # "a) Nguồn nước cấp" then "- Điểm quan trắc: …", "- Thông số: …": one duty.
            title, lines = spec
            self._add(node, title, "\n".join(lines), effective, node.ref, scope=" ".join(lines))
            return
        if not live_children and node.kind in ("number", "letter") and node.body:
            folded = fold(node.text)
            if _REQUIREMENT_HEADING.match(folded):
                # "5. Yêu cầu về cấp Giấy chứng nhận …" and its paragraph: a rule, not work.
                return
            if _GROUP_HEADING.match(folded) and not heading_unit:
                # "3. Đối với các tổ chức khác" then "Đề nghị Ủy ban MTTQ …": the paragraph is
                # the task.
                node.text, node.body = node.body[0], node.body[1:]
            elif (
                _TOPIC_HEADING.match(folded)
                and node.text.rstrip().endswith(":")
                and (subject_units(node.body[0]).lead or sentence_actors(node.body[0]))
            ):
                # "1. Về kiến nghị …:" then "Giao Bộ X … chủ trì …": the topic is what the
                # notice answers; the paragraph naming the body is the task.
                node.text, node.body = node.body[0], node.body[1:]
        if (
            not live_children
            and node.kind in ("section", "number", "letter")
            and len(node.body) == 1
            and not heading_unit
            and topic_heading(node.text)
            and ends_sentence(node.body[0])
            and not _CLOSING_ITEM.search(fold(f"{node.text} {node.body[0]}")[:160])
            and not _LABELLED_TEXT.match(node.body[0])
            and not any(GAZETTEER.is_unit(n) for n in subject_units(node.body[0]).lead)
        ):
            # "4. Công tác truyền thông" then "Truyền thông trên loa đài … ." — a heading that
            # names a field, not work, over one sentence: the sentence is the duty (unless
            # the sentence only says who: "Tiếp nhận hồ sơ:" / "UBND các xã tiếp nhận …").
            node.heading = node.text
            node.text, node.body = node.body[0], []
        if heading_unit and not live_children and not prefix:
            if not node.body:
                heading_unit = None
            elif _separate_paragraphs(node.body):
                # "2. Bộ Quốc phòng" then three paragraphs, each a duty: one task each.
                for paragraph in node.body:
                    node.add(_Node("item", "", paragraph, node.rank + 1))
                node.body = []
                for number, child in enumerate(node.children, start=1):
                    child.ref = f"{node.ref}-{number}"
                live_children = list(node.children)
            else:
                # "1. Sở Kế hoạch và Đầu tư:" then one paragraph: that paragraph is the task.
                node.heading = node.text
                node.text, node.body = node.body[0], node.body[1:]
        if heading_unit:
            heading_units = heading_unit
        elif not prefix and not heading_units and (
            subject := subject_over_list(node, live_children)
        ) and not any(a.kind in ("lead", "exec") for a in own):
            # "1. Các cơ quan, đơn vị … xây dựng kế hoạch … ." then bullets naming no one.
            heading_units = subject
            duty = _Node("item", "", node.text, RANK_ITEM, parent=node)
            self._emit(duty, _Effective(subject, None, effective.time), node.ref)
        if heading_units and not any(a.kind in ("lead", "exec") for a in own):
            # "1. Công an tỉnh" / "1.1. Ủy ban nhân dân Thành phố:": every item under a unit
            # heading is that unit's task.
            partners = introduction_support(introduction) if introduction else []
            effective = _Effective(
                heading_units, partners or None, effective.time, heading_partners=bool(partners)
            )
        if not live_children and node.kind == "item" and (parts := unit_sub_items(node)):
            for text, units in parts:
                part = _Node("item", "", text, RANK_ITEM, parent=node)
                self._emit(part, _Effective(units, None, effective.time), node.ref)
            return
        if not live_children:
            # A section is a task when it holds a paragraph (or its one sentence became its text).
            if node.kind != "root" and (node.kind != "section" or node.body or node.heading):
                self._emit(node, effective, node.ref)
            return
        if heading_unit:
            # "1. Công an tỉnh" / "Tham mưu … bảo vệ bí mật." / "- Đôn đốc …": a whole sentence
            # under the unit's name, before its list, is a duty too (not "… thực hiện:").
            for paragraph in node.body:
                if ends_sentence(paragraph) and not _LABELLED_TEXT.match(paragraph):
                    duty = _Node("item", "", paragraph, RANK_ITEM, parent=node)
                    self._emit(duty, effective, node.ref)
        share_trailing_assignment(node)
        only_child = (
            len(node.children) == 1
            and node.children[0].kind == "item"
            and node.kind in ("number", "letter")
        )
        for index, child in enumerate(node.children):
            later = [a for a in node.attrs if a.position > index]
            child_effective = effective
            unit_positions = sorted(
                {a.position for a in later if a.kind in ("lead", "exec", "support")}
            )
            if unit_positions:
                group = [a for a in later if a.position == unit_positions[0]]
                child_effective = _Effective(None, None, child_effective.time).with_units(group)
                if child_effective.lead is None:
                    child_effective.lead = effective.lead
            time_positions = sorted({a.position for a in later if a.kind == "time"})
            if time_positions:
                group = [a for a in later if a.position == time_positions[0]]
                child_effective = child_effective.with_time(group)
            if only_child and not child.children:
                child.ref = node.ref
            self.walk(child, child_effective)

    def _collapsed(self, node: _Node, inherited: _Effective) -> None:
        attrs: list[_Attr] = []
        texts: list[str] = list(node.body)

        def gather(current: _Node) -> None:
            attrs.extend(current.attrs)
            for child in current.children:
                texts.append(child.text)
                texts.extend(child.body)
                gather(child)

        gather(node)
        effective = inherited.with_units(attrs).with_time(attrs)
        if _COLLAPSE_SECTION.match(fold(node.text)) and not (
            effective.lead
            or any(
                sentence_actors(t) or subject_units(t).lead or _ASSIGNING.search(t) for t in texts
            )
        ):
            # "IV. Kinh phí thực hiện" then "Từ nguồn ngân sách …" / "Thực hiện theo quy định
            # tại …": where the money comes from, with no one named or assigned to act.
            return
        title = sentence_case(node.text)
        self._add(node, title, "\n".join(texts), effective, node.ref, scope="")

    def _emit(self, node: _Node, effective: _Effective, ref: str) -> None:
        if node.ad_hoc:
            return
        title, detail = _task_texts(node)
        if not re.search(r"[^\W\d_]", title):
            # "1", "2" — a table's row numbers left without their cells: no words, no work.
            return
        folded_title = fold(title)
        # "3. Trong quá trình thực hiện" / "Kế hoạch này, nếu có khó khăn …": cut by the line.
        opening = fold(" ".join([title, *node.body[:1]])[:200])[:160]
        if (
            _CLOSING_ITEM.search(opening)
            or _BUDGET_SOURCE.match(folded_title)
            or _PROBLEMS_REPORTED.match(folded_title[:400])
        ):
            # "3. Trong quá trình thực hiện, nếu có khó khăn … phản ánh về …", "Kinh phí thực
            # hiện Kế hoạch này: do ngân sách …": a closing line or a budget source, not work.
            return
        # Only the first clause: "Thực hiện kiểm định …. Việc số hóa … phải bảo đảm …" is work.
        first_clause = re.split(r"[.;](?:\s|$)", title, maxsplit=1)[0]
        if _PRINCIPLE.search(fold(first_clause)) and not sentence_actors(title) and not (
            subject_units(title).lead
        ):
            # "Việc … phải bảo đảm …", "Nhà ở … phải bảo đảm …": a principle or standard.
            return
        if follows_other_text(title) and not (
            effective.lead or sentence_actors(title) or _once_phrase(title)
        ):
            # "Các kỳ thi cấp tỉnh theo kế hoạch và hướng dẫn của Sở …", "Ngày nghỉ lễ: Thực
            # hiện theo quy định của …": a pointer to another text, no one's work here.
            return
        if document_citation(title):
            # "Quyết định số 1381/QĐ-… ngày …": one entry of a list of issued documents.
            return
        duties = _dated_duties(title) if not node.children else None
        if duties:
            # "… chỉ đạo: xây dựng kế hoạch … trước ngày 28/2; báo cáo … trước ngày 10/11":
            # one task per duty, each with its own date.
            head, parts = duties
            actors = _head_actors(head) if head else []
            for number, part in enumerate(parts, start=1):
                split_ref = ref if number == 1 else f"{ref} ({number})"
                self._add(
                    node, part, detail, effective, split_ref, scope=part, actors=actors or None
                )
            return
        pieces = duty_sentences(title) if not node.children else []
        if len(pieces) > 1:
            # "A có trách nhiệm …. Yêu cầu B …": one task per actor.
            for number, (text, actors) in enumerate(pieces, start=1):
                split_ref = ref if number == 1 else f"{ref} ({number})"
                self._add(node, text, detail, effective, split_ref, scope=text, actors=actors)
            return
        scope = _deadline_scope(node)
        regimes = _recurring_regimes(scope)
        if len(regimes) >= 2:
            for number, regime in enumerate(regimes, start=1):
                split_ref = ref if number == 1 else f"{ref} ({number})"
                self._add(
                    node, f"{title} — {regime.text}", detail, effective, split_ref, regime=regime
                )
            return
        self._add(
            node, title, detail, effective, ref, scope=scope, regime=regimes[0] if regimes else None
        )

    def _add(
        self,
        node: _Node,
        title: str,
        detail: str,
        effective: _Effective,
        ref: str,
        *,
        scope: str = "",
        regime: _Regime | None = None,
        actors: list[str] | None = None,
    ) -> None:
        unsure: list[str] = []
        units = task_units(node, title, detail, effective, actors)
        time_text = units.time_text
        deadline = None
        error = None
        deadline_text: str | None = None
        if regime is None and scope:
            # A duty cut out of a paragraph keeps its own regime ("…; báo cáo … hằng năm").
            regime = next(iter(_recurring_regimes(scope)), None)
        if regime is not None and not (regime.weak and time_text):
            deadline_text = regime.text
            deadline, error = self._read(regime.candidates)
        else:
            once = _once_phrase(scope, loose=True) if scope else None
            if once:
                deadline_text = once
                deadline, error = self._read(_phrase_candidates(once))
            elif time_text and is_open_start(time_text):
                # "Từ tháng 11/2013 trở đi": when the work starts; there is no deadline to read.
                deadline_text = None
            elif time_text and is_dependent_time(time_text):
                # "Theo kế hoạch công tác hằng năm", "Sau khi … ban hành": set by another plan
                # or event. Kept as written and marked unread, for the officer to date.
                deadline_text = time_text.strip(" .;")
            elif time_text:
                deadline_text = time_text.strip(" .;")
                deadline, error = self._read(_phrase_candidates(time_text))
            elif scope and (vague := vague_regime(scope)):
                # "định kỳ báo cáo … theo quy định": recurring, but which period? Unread.
                deadline_text = vague
                deadline, error = self._read([vague])
        if not units.lead:
            unsure.append("no_unit")
        if deadline_text and deadline is None:
            unsure.append("deadline_unread")
        if self.guessed_date:
            unsure.append("date_guessed")
        self.tasks.append(
            ParsedTask(
                ref=ref,
                title=title,
                lead=units.lead,
                support=units.support,
                deadline_text=deadline_text,
                deadline=deadline,
                detail=detail,
                section=_section_path(node),
                deadline_error=error if deadline is None and deadline_text else None,
                unsure=unsure,
            )
        )


def _separate_paragraphs(body: list[str]) -> bool:
    """Several paragraphs under a heading, each opening a sentence of its own (not "+ …"
    details, not "Kết quả: …" labels): separate duties."""
    return len(body) >= 2 and all(
        text[:1].isupper() and not text.startswith("+") and not _LABELLED_TEXT.match(text)
        for text in body
    )


def _unique_refs(tasks: list[ParsedTask]) -> None:
    seen: dict[str, int] = {}
    for task in tasks:
        count = seen.get(task.ref, 0)
        seen[task.ref] = count + 1
        if count:
            task.ref = f"{task.ref} ({count + 1})"
