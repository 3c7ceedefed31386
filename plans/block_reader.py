"""Reading body paragraphs, in document order, into the tree of blocks of `plans.document`: numbering, bullets, labels ("Cơ quan chủ trì: …"), continuation lines and the preamble. The tree, its stack and the task table rows are `plans.block_tree`."""

from __future__ import annotations

import re

from plans.block_tree import _BlockTree
from plans.dated_blocks import closing_duty
from plans.document import (
    RANK_ITEM,
    RANK_LETTER,
    RANK_PART,
    RANK_SECTION,
    _is_skip_heading,
    _Node,
    _section_kind,
)
from plans.line_patterns import (
    _AD_HOC,
    _ANNEX,
    _ARTICLE_CHROME,
    _ARTICLE_TOPIC,
    _BODY_LABEL,
    _CLOSING,
    _ISSUED_PLAN,
    _SITE_NOTICE,
    _TAIL,
)
from plans.lines import (
    _BARE_LABEL,
    _ROLE_HEADING,
    _STEP,
    _classify,
    _label_kind,
    _Line,
)
from plans.plan_deadlines import dated_label, opens_period
from plans.text import (
    FOOTNOTE_LINE,
    ends_sentence,
    fold,
    is_upper_heading,
    sentence_case,
    starts_lowercase,
)
from plans.units import DUTY_VERBS

_ENACTMENT = re.compile(
    r"^ban hanh kem theo|co hieu luc|trach nhiem thi hanh|thi hanh quyet dinh nay|bai bo"
)


# A line ending on a unit's head word with no name yet: the name is on the next line.
_CUT_NAME = re.compile(r"(?:^|\s)(?:ubnd|uy ban nhan dan|hdnd|hoi dong nhan dan|so|bo|cong an)$")


# A line ending on a linking word ("của", "về", "và", "với" …) goes on to the next line.
_LINKING_END = re.compile(
    r"(?:^|\s)(?:của|về|và|với|cho|các|những|trong|tại|theo|để|đến|từ|được|thuộc|nhằm|hoặc"
    r"|giữa|trên|bởi|là)$",
    re.IGNORECASE,
)
# "- Nội dung: …", "- Nội dung thực hiện: …" under a numbered heading: its description.
_CONTENT_LABEL = re.compile(r"^noi dung(?: thuc hien| cong viec| chi tiet)?\s*:")

# "* Lưu ý: …", "- Chú ý: …", "Ghi chú: …": a note on the item above.
_NOTE = re.compile(r"^(?:luu y|chu y|ghi chu)\s*:")


# A time line written without its colon: "Thời gian hoàn thành trước ngày 31 tháng 12 năm 2025."
# "1. Giao người đứng đầu …; Chủ tịch UBND các xã": a heading naming units, not a cut sentence.
_ASSIGNS_ONLY = re.compile(rf"^giao\s+(?!.*(?<![\wÀ-ỹ])(?:{DUTY_VERBS})(?![\wÀ-ỹ]))", re.I)
_UNLABELLED_TIME = re.compile(
    r"^(Thời (?:gian|hạn) (?:thực hiện|hoàn thành)(?: xong)?)\s+"
    r"(?=(?:trước|trong|chậm nhất|từ|đến|năm|tháng|quý|hằng|hàng|định kỳ|thường xuyên)\b)",
    re.IGNORECASE,
)


_ONE_WORD = re.compile(r"^[A-ZĐÀ-Ỹ][a-zđà-ỹ]+$")


class _BodyReader(_BlockTree):
    """Builds the tree from body paragraphs and task tables, in document order."""

    def finish(self) -> None:
        """Settle what only the whole text shows: an article's formula ("Điều 3. Chánh" /
        "Văn phòng … chịu trách nhiệm thi hành Quyết định này") is read with its next line."""
        for article in self.articles:
            if _ENACTMENT.search(fold(" ".join([article.text, *article.body[:1]]))):
                # "Điều 1. Ban hành kèm theo …", "Điều 2. … có hiệu lực …", "Điều 3. … chịu
                # trách nhiệm thi hành Quyết định này": the decision's formulas, not work.
                article.skip = True

    # paragraphs
    def feed(self, raw: str) -> None:
        if FOOTNOTE_LINE.match(raw):
            return
        stripped = raw.strip()
        if not stripped:
            return
        if self.pending_label is not None:
            raw = f"{self.pending_label} {stripped}"
            self.pending_label = None
        elif _BARE_LABEL.fullmatch(stripped) and not self.tail:
            self.pending_label = stripped
            return
        line = _classify(raw)
        text = line.text
        if not text:
            return
        heading, self.heading = self.heading, None
        if (
            heading is not None
            and heading is self.stack[-1]
            and not heading.children
            and not heading.body
            and line.marker is None
            and line.bullet is None
            and is_upper_heading(text)
        ):
            # "I. MỤC" / "ĐÍCH, YÊU CẦU": the heading wraps onto this line.
            heading.text = f"{heading.text} {text}"
            skipped = heading.skip
            _section_kind(heading)
            heading.skip = heading.skip or skipped
            self.heading = heading
            return
        folded = fold(text)
        if _ANNEX.match(folded) and len(text) < 150 and line.marker is None:
            self.tail = False
            self.open_section("PL", sentence_case(text), annex=True)
            return
        if self.tail and not self._plan_after_signature(line, folded):
            return
        if line.marker is None and line.bullet is None and _TAIL.match(folded):
            self.tail = True
            return
        if line.marker is None and line.bullet is None and _ARTICLE_CHROME.search(folded):
            return
        if line.marker is None and _SITE_NOTICE.search(fold(line.text)):
            return
        if line.marker is None and self.root.children and _ARTICLE_TOPIC.match(folded):
            self.tail = True
            return
        if (
            line.marker is None and line.bullet is None and text.rstrip().endswith("?")
            and self.root.children
        ):
            # "Kinh phí tổ chức … từ đâu?" after the plan's duties: the article quoting the plan
            # asks its next question; what follows answers it from other texts.
            self.tail = True
            return
        if self.after_table and line.marker is None and line.bullet is None:
            return
        self.after_table = False

        if line.marker is None and starts_lowercase(text) and line.bullet is None:
            self._continue(text)
            return

        if self.section_times.take_listed(line.bullet, line.marker, text):
            return  # "+ Đợt 1: …" under an empty "Thời gian thực hiện:": plans.dated_blocks
        labelled = _label_kind(text)
        unlabelled_time = _UNLABELLED_TIME.match(text) if labelled is None else None
        if unlabelled_time and self.stack[-1] is not self.root and line.bullet is None:
            # "Thời gian hoàn thành trước ngày 31/12/2025." on its own line, without the colon.
            labelled = ("time", unlabelled_time.group(1), text[unlabelled_time.end(1) :].strip())
        if labelled is not None and self._role_line(line, labelled):
            return
        if labelled is not None:
            self.role = None
            self._feed_attr(line, *labelled)
            return
        if self._role_line(line, None):
            return

        if line.marker == "article":
            section = self.open_section(line.label.replace("  ", " "), text)
            self.heading = None  # an article's heading is a sentence, never wrapped
            self.articles.append(section)
            return
        if line.marker == "part":
            self.open_section(line.label, text, rank=RANK_PART)
            return
        if line.marker == "roman":
            self.open_section(line.label, text)
            return
        if line.marker == "number":
            self._feed_number(line)
            return
        if line.marker == "letter":
            self._open(_Node("letter", line.label, text, RANK_LETTER))
            return
        if line.bullet is not None:
            self._feed_bullet(line)
            return
        self._feed_plain(text)

    def _plan_after_signature(self, line: _Line, folded: str) -> bool:
        """A decision's signature block ("Nơi nhận:" …) followed by the plan it issues: the plan's
        capitalised title ("KẾ HOẠCH …") or its first capitalised section ("I. MỤC ĐÍCH …")
        resumes reading."""
        if not is_upper_heading(line.text) or line.bullet is not None:
            return False
        if line.marker == "roman" or (line.marker is None and _ISSUED_PLAN.match(folded)):
            self.tail = False
            # The decision's articles end here; what follows belongs to the plan.
            del self.stack[1:]
            self.append_to = None
            return True
        return False

    def _role_line(self, line: _Line, labelled: tuple[str, str, str] | None) -> bool:
        """Lines of a "Cơ quan chủ trì" heading: the heading itself, its "a) Cơ quan chủ trì" /
        "b) Cơ quan phối hợp" parts and the unit lines under them. True when consumed."""
        text = line.text.strip(" :.")
        folded = re.sub(r"[^a-z ,]", "", fold(text)).strip(" ,")
        heading = line.marker in ("number", "letter") and bool(_ROLE_HEADING.match(folded))
        if heading or (
            labelled
            and labelled[0] in ("lead", "support", "exec")
            and line.marker in ("number", "letter")
            and not labelled[2]
        ):
            kind: str | None = (
                "support"
                if "phoi hop" in folded and "chu tri" not in folded
                else (
                    "exec" if folded.endswith("thuc hien") and "chu tri" not in folded else "lead"
                )
            )
            if line.marker == "number" or self.role is None:
                rank = len(line.label.split(".")) if line.marker == "number" else RANK_LETTER
                holder = self._pop_to(rank)
            else:
                holder = self.role[0]
            mixed = "chu tri" in folded and "phoi hop" in folded
            self.role = (holder, None if mixed else kind, None)
            self.append_to = None
            return True
        if self.role is None:
            return False
        holder, kind, attr = self.role
        if line.marker == "letter" and labelled and labelled[0] in ("lead", "support", "exec"):
            # "a) Cơ quan chủ trì: Bộ Quốc phòng; Bộ Tài chính."
            found = holder.attach(labelled[0], labelled[2])
            self.role = (holder, labelled[0], found)
            self._target_attr(found)
            return True
        if line.marker is not None or kind is None or labelled is not None:
            self.role = None
            return False
        if line.bullet is None and line.text.lstrip().startswith("("):
            # "(Văn phòng Ban Chỉ đạo, cơ quan thường trực … giúp Ban Chỉ đạo …)": a note on the
            # units listed, not one more unit.
            self.append_to = None
            return True
        value = line.text.strip(" .;")
        if attr is None:
            attr = holder.attach(kind, value)
            self.role = (holder, kind, attr)
        else:
            attr.value = f"{attr.value}; {value}"
        self._target_attr(attr)
        return True

    def _feed_attr(self, line: _Line, kind: str, label: str, value: str) -> None:
        if line.marker == "letter":
            holder = self._pop_to(RANK_LETTER)
        elif line.marker == "number":
            holder = self._pop_to(len(line.label.split(".")))
        elif line.marker == "roman":
            holder = self._pop_to(RANK_SECTION)
        else:
            holder = self._pop_to(RANK_ITEM)
        if (
            kind == "time"
            and holder.kind == "number"
            and holder.parent is not None
            and holder.parent.kind == "number"
            and _STEP.sub("", holder.parent.text).strip(" :.") == ""
        ):
            # "2.1. Bước 1:" / "2.1.a …" / "2.1.b …" / "Thời gian hoàn tất: …": the step's time.
            holder = holder.parent
        if kind == "product":
            holder_body = f"{label}: {value}"
            self._target_body(holder, holder_body)
            return
        attr = holder.attach(kind, value)
        if kind == "time" and line.marker in ("letter", "number"):
            self.section_times.place(holder, attr)  # "b) Thời gian: …": see plans.dated_blocks
        self._target_attr(attr)
        self.section_times.open_listing(attr)
        self.last_was_attr = True

    def _feed_number(self, line: _Line) -> None:
        parts = line.label.split(".")
        if line.bullet is not None and len(parts) >= 2:
            self._open_code(line)
            return
        skip = _is_skip_heading(line.text)
        if len(parts) == 1:
            self._open(_Node("number", line.label, line.text, 1, skip=skip))
            return
        parent = self._innermost_number(".".join(parts[:-1]))
        if parent is None:
            self._open_code(line)
            return
        while self.stack[-1] is not parent:
            self.stack.pop()
        node = _Node("number", line.label, line.text, len(parts), skip=skip)
        parent.add(node)
        self.stack.append(node)
        self._target_text(node)
        self.closed = False
        self.last_was_attr = False

    def _open_code(self, line: _Line) -> None:
        node = _Node("code", line.label, line.text, RANK_ITEM)
        self._open(node)

    def _feed_bullet(self, line: _Line) -> None:
        top = self.stack[-1]
        opening = fold(line.text[:40])
        if top is not self.root and _NOTE.match(opening):
            # "* Lưu ý: … phải báo cáo ngay": a note on the work above, not a task of its own.
            self._target_body(top, line.text)
            return
        if line.bullet == "-" and self._sentence_goes_on():
            # "1. Sở X theo dõi …; tham mưu … về Cục Y" / "- Cơ quan thường trực … trước ngày
            # 20 hằng tháng …": a dash inside a sentence the line cut, not a new item.
            self._continue(f"- {line.text}")
            return
        if top.kind in ("number", "letter") and _CONTENT_LABEL.match(opening):
            # "1. Kiểm kê tài sản" / "- Nội dung: đếm, đối chiếu …": what the heading's work
            # holds, its description; the heading stays the task.
            self._target_body(top, line.text)
            return
        if line.bullet == "+" and top.rank >= RANK_ITEM and not top.plus:
            self._target_body(top, f"+ {line.text}")
            return
        dated = dated_label(line.text)
        node = _Node("item", "", dated[1] if dated else line.text, RANK_ITEM, plus=line.bullet == "+")
        node.ad_hoc = bool(_AD_HOC.match(fold(line.text)))
        # "- Mục đích:" / "+ …": a bulleted label of the plan's aims, not work.
        node.skip = line.text.rstrip().endswith(":") and len(line.text.split()) <= 4 and (
            _is_skip_heading(line.text)
        )
        self._open(node)
        if dated:
            node.attach("time", dated[0])  # "- Ngày 04/02/2026: X chuẩn bị …": plans.plan_deadlines

    def _sentence_goes_on(self) -> bool:
        """Whether the text read last is a sentence cut mid-way: clauses ("…; …"), many words,
        and no punctuation at its end. A heading has neither clauses nor a cut end."""
        last = self.last_text.rstrip()
        return (
            self.append_to is not None
            and bool(last)
            and last[-1].isalnum()
            and ";" in last
            and len(last.split()) >= 20
            and not _ASSIGNS_ONLY.match(last)
        )

    def _feed_plain(self, text: str) -> None:
        if self.fragment:
            text, self.fragment = f"{self.fragment} {text}", ""
        elif _ONE_WORD.match(text) and ends_sentence(self.last_text):
            # "Sở" / "Giáo dục và Đào tạo đề nghị …": a web page cut the line after one word.
            self.fragment = text
            return
        folded = fold(text)
        if closing_duty(self, text, closing=ends_text(text) and not _CLOSING.match(folded)):
            return  # a dated report after the closing request: plans.dated_blocks
        if _CLOSING.match(folded) and self.stack[-1] is self.root and not ends_text(text):
            # "Yêu cầu các đơn vị … bảo đảm thực hiện nghiêm túc …" before the duties of a prose
            # plan: the general request, skipped; the text goes on.
            return
        if _CLOSING.match(folded) or ends_text(text):
            if not _CLOSING.match(folded) and self.stack[-1] is self.root and not self.closed:
                # A letter of one paragraph: "… UBND tỉnh có ý kiến như sau: Sở X chủ trì …
                # trước ngày 15/12/2023./." — the end mark closes the text, the duty stays.
                self.preamble.append(text)
            self.closed = True
            self.append_to = None
            return
        if self.closed:
            return
        top = self.stack[-1]
        if top is not self.root and opens_period(text):
            # "Năm 2026:" over the bullets of that year: dated by plans.dated_blocks.
            self._open(_Node("letter", "", text.rstrip(" :"), RANK_LETTER))
            return
        if top is self.root:
            # Preamble before the first section: kept, since a prose-only plan has its duties
            # here and "… yêu cầu X, Y triển khai các nội dung sau:" names who leads the items.
            self.preamble.append(text)
            return
        continues = not ends_sentence(self.last_text) and self.append_to is not None
        if continues and (
            _CUT_NAME.search(fold(self.last_text)) or _LINKING_END.search(self.last_text)
        ):
            # "Tham mưu UBND" / "Thành phố phối hợp …": a unit's name broken by the line;
            # "Xây dựng Quyết định của" / "Thủ tướng …": a phrase cannot end on "của".
            self._continue(text)
            return
        if top.rank >= RANK_ITEM:
            if _BODY_LABEL.match(text) and not self.last_was_attr:
                self._target_body(top, text)
            elif continues:
                self._continue(text)
            else:
                node = _Node("item", "", text, RANK_ITEM)
                node.ad_hoc = bool(_AD_HOC.match(folded))
                self._open(node)
            return
        if not top.children:
            if continues and self.last_was_attr:
                self._continue(text)
            else:
                self._target_body(top, text)
                self.last_was_attr = False
            return
        if continues:
            self._continue(text)
            return
        node = _Node("item", "", text, RANK_ITEM)
        node.ad_hoc = bool(_AD_HOC.match(folded))
        self._open(node)


def ends_text(text: str) -> bool:
    """The end mark of a Vietnamese official text: "… thực hiện./."."""
    return text.rstrip().endswith("./.")
