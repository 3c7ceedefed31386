"""Texts of quick actions on reminders, "nhắc lại sau", replies to a reminder, units chosen
by name and personal reminder settings (/caidat) — issue 15."""

from __future__ import annotations

# === Quick actions on reminders (issue 15) ==================================================

ACTION_DONE = "✅ Xong #{task_id}"
ACTION_PROGRESS = "📈 Tiến độ #{task_id}"
ACTION_EXTEND = "⏳ Xin gia hạn #{task_id}"
ACTION_SNOOZE = "⏰ Nhắc lại sau"
ACTION_SNOOZE_ALL = "⏰ Nhắc lại sau ({count} việc)"
ACTION_TASK = "#{task_id} — thao tác"
ACTION_DETAIL = "🔎 Chi tiết #{task_id}"
ACTIONS_HEADER = "Thao tác nhanh cho nhiệm vụ #{task_id} «{title}»:"

SNOOZE_LATER_TODAY = "Chiều nay ({time})"
SNOOZE_TOMORROW = "Sáng mai ({date})"
SNOOZE_NEXT_WORKING_DAY = "Ngày làm việc tới ({date})"
SNOOZE_CHOOSE = "Nhắc lại {tasks} lúc nào?"
SNOOZE_CONFIRM = "Tạm không nhắc {tasks} cho anh/chị đến {at}, khi đó nhắc lại một lần."
SNOOZE_DONE = ("⏰ Đã hẹn: {tasks} được nhắc lại lúc {at}. Đến lúc đó anh/chị không nhận "
               "nhắc việc này trong tin riêng (tin nhóm của đơn vị vẫn gửi).")
SNOOZE_NO_PRIVATE_CHAT = ("⏰ Đã hẹn {tasks} lúc {at}, nhưng anh/chị chưa nhắn riêng cho bot nên "
                          "tin nhắc lại chưa gửi được. Hãy mở tin nhắn riêng với bot và gõ /start.")
SNOOZE_USAGE = ("/nhaclai &lt;số nhiệm vụ&gt; [chieu | mai | ngaylamviec], ví dụ "
                "<code>/nhaclai 12 mai</code>")
SNOOZE_BAD_WHEN = ("Không hiểu «{when}». Chọn: <code>chieu</code> (chiều nay), <code>mai</code> "
                   "(sáng mai) hoặc <code>ngaylamviec</code> (ngày làm việc tới).")
SNOOZE_TOO_LATE_TODAY = "Đã muộn, không còn «chiều nay»; chọn sáng mai hoặc ngày làm việc tới."
SNOOZE_NEED_PERSON = "Chỉ cán bộ đã đăng ký mới hẹn nhắc lại được (/dangky)."
SNOOZED_HEADER = "⏰ <b>Nhắc lại</b> (anh/chị đã hẹn):"
SNOOZED_LINE = "• #{task_id} {title} — hạn {due}"
SNOOZED_FOOTER = "Bấm nút bên dưới, hoặc trả lời tin này: «xong», «50%», «xin gia hạn đến 20/12»."

# --- a reply to a reminder or to a task message ---------------------------------------------

REPLY_WHICH_TASK = ("Tin anh/chị trả lời nói về {count} nhiệm vụ. «{text}» là cho nhiệm vụ "
                    "nào?")
REPLY_NOT_UNDERSTOOD = ("Chưa hiểu «{text}» cho nhiệm vụ #{task_id}. Có thể trả lời: «xong», "
                        "«50%», «xin gia hạn đến 20/12 vì …», «nhắc lại mai».")
REPLY_EXPIRED = "Câu trả lời đang chờ chọn nhiệm vụ đã hết hạn. Không có gì thay đổi."
REPLY_PICK_USAGE = "/traloi &lt;số nhiệm vụ&gt;"

# --- a unit named by its name, with several matches ------------------------------------------

UNIT_CHOOSE = "Có {count} đơn vị khớp với «{name}». Anh/chị muốn chọn đơn vị nào?"
UNIT_CHOICE_LABEL = "{name} ({code})"

# --- /caidat ---------------------------------------------------------------------------------

PREFS_SHOW = (
    "⚙️ <b>Cài đặt nhắc việc của anh/chị</b>\n"
    "• Nhắc trước hạn: {days}\n"
    "• Tin tổng hợp hằng tuần: {digest}\n"
    "• Nhiệm vụ tạm tắt nhắc trước hạn: {muted}\n"
    "Luôn giữ (quản trị viên quy định, không tắt được): nhắc {floor}, ngày đến hạn, nhắc quá "
    "hạn và báo lãnh đạo khi quá hạn.\n\n"
    "Đổi: <code>/caidat ngay 7,1</code> (chọn trong: {offered}), <code>/caidat ngay macdinh</code>, "
    "<code>/caidat tonghop tat</code>, <code>/caidat tat 12</code> (tắt nhắc trước hạn việc 12), "
    "<code>/caidat bat 12</code>."
)
PREFS_DAYS_DEFAULT = "{days} ngày trước hạn (mặc định)"
PREFS_DAYS = "{days} ngày trước hạn"
PREFS_ON = "bật"
PREFS_OFF = "tắt"
PREFS_NONE = "không có"
PREFS_FLOOR_DAYS = "{days} ngày trước hạn"
PREFS_FLOOR_NONE = "không có ngày bắt buộc"
PREFS_USAGE = ("/caidat [ngay 7,3,1 | ngay macdinh | tonghop bat|tat | tat &lt;số nhiệm vụ&gt; | "
               "bat &lt;số nhiệm vụ&gt;]")
PREFS_BAD_DAYS = "«{value}» không phải danh sách ngày (ví dụ <code>/caidat ngay 7,1</code>)."
PREFS_CONFIRM_DAYS = "Chỉ nhắc anh/chị {days} ngày trước hạn."
PREFS_CONFIRM_DAYS_DEFAULT = "Nhắc anh/chị theo lịch chung ({days} ngày trước hạn)."
PREFS_CONFIRM_DIGEST = "{state} tin tổng hợp hằng tuần cho anh/chị."
PREFS_DIGEST_ON = "Bật"
PREFS_DIGEST_OFF = "Tắt"
PREFS_CONFIRM_MUTE = ("Tắt nhắc trước hạn của nhiệm vụ #{task_id} «{title}» cho anh/chị (vẫn nhắc "
                      "{floor}, ngày đến hạn và khi quá hạn).")
PREFS_CONFIRM_UNMUTE = "Bật lại nhắc trước hạn của nhiệm vụ #{task_id} «{title}» cho anh/chị."
PREFS_SAVED = "✅ Đã lưu cài đặt nhắc việc."
PREFS_FLOOR_KEPT = "Ngày {days} trước hạn vẫn được nhắc: quản trị viên quy định không tắt được."
PREFS_NO_ESCALATION_OFF = ("Không tắt được nhắc quá hạn và báo cáo lãnh đạo: quản trị viên quy "
                           "định bắt buộc. Không có gì thay đổi.")
PREFS_FLOOR_CONFIRM = "Đặt mức tối thiểu cho mọi người: luôn nhắc {days} ngày trước hạn."
PREFS_FLOOR_SAVED = "✅ Đã đặt mức tối thiểu: luôn nhắc {days}."
PREFS_BUTTON_DIGEST_ON = "🔔 Bật tổng hợp tuần"
PREFS_BUTTON_DIGEST_OFF = "🔕 Tắt tổng hợp tuần"
PREFS_BUTTON_DEFAULT_DAYS = "↩️ Ngày nhắc mặc định"

PREFS_ERRORS = {
    "prefs_admin_only": "Chỉ quản trị viên đặt được mức tối thiểu.",
    "prefs_bad_day": "Số ngày phải từ 1 đến 366.",
    "prefs_not_registered": "Chỉ cán bộ đã đăng ký mới có cài đặt riêng (/dangky).",
    "prefs_day_not_offered": "Chỉ chọn được trong các ngày nhắc chung: {days}.",
    "prefs_snooze_done": "Nhiệm vụ này đã hoàn thành, không cần nhắc lại.",
    "prefs_snooze_bad_time": "Thời điểm nhắc lại không hợp lệ (phải sau bây giờ, trong vòng 31 ngày).",
}

REPLY_CONFIRM = "Trả lời cho nhiệm vụ #{task_id} «{title}»: {action}"
REPLY_ACTION_DONE = "báo hoàn thành."
REPLY_ACTION_COMMAND = "<code>{command}</code>."


def quick_action_menu(task_ids: tuple[int, ...], limit: int = 6) -> tuple[tuple[str, str], ...]:
    """The buttons of a reminder: for one task its actions (done, progress, more time,
    "nhắc lại sau"); for several, one button a task opening its actions, and one snooze for
    them all. (label, command) pairs, as the outbox keeps them."""
    if not task_ids:
        return ()
    if len(task_ids) == 1:
        task_id = task_ids[0]
        return (
            (ACTION_DONE.format(task_id=task_id), f"/hoanthanh {task_id}"),
            (ACTION_PROGRESS.format(task_id=task_id), f"/capnhat {task_id}"),
            (ACTION_EXTEND.format(task_id=task_id), f"/giahan {task_id}"),
            (ACTION_SNOOZE, f"/nhaclai {task_id}"),
        )
    shown = task_ids[:limit]
    return (*((ACTION_TASK.format(task_id=t), f"/thaotac {t}") for t in shown),
            (ACTION_SNOOZE_ALL.format(count=len(shown)),
             "/nhaclai " + ",".join(str(t) for t in shown)))


# Telegram's command menu (registry): the commands of this feature, merged into
# messages.COMMAND_DESCRIPTIONS.
CHAT_ACTION_COMMAND_DESCRIPTIONS: dict[str, str] = {
    "nhaclai": "Nhắc lại sau: /nhaclai SỐ [chieu|mai|ngaylamviec]",
    "caidat": "Cài đặt nhắc việc của riêng anh/chị",
    "thaotac": "Thao tác nhanh cho một nhiệm vụ: /thaotac SỐ",
    "traloi": "Trả lời cho nhiệm vụ nào (sau khi trả lời một tin nhắc việc)",
}
# /trogiup: everyone in a unit.
HELP_CHAT_ACTIONS = [
    "/nhaclai SỐ [chieu|mai|ngaylamviec] — nhắc lại nhiệm vụ sau (hoặc bấm «Nhắc lại sau» "
    "dưới tin nhắc việc)",
    "/caidat — cài đặt nhắc việc của riêng anh/chị (nhắc trước mấy ngày, tin tổng hợp, tắt "
    "nhắc một nhiệm vụ)",
    "Trả lời (reply) tin nhắc việc bằng «xong», «50%», «xin gia hạn đến 20/12» để báo cho "
    "đúng nhiệm vụ đó",
]
