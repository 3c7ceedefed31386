""""Xác nhận?" before completing, cancelling or reassigning: yes/no buttons on Telegram,
1/2 or "có"/"không" on Zalo. The command waiting for "Có" is kept server-side with the
chat's menu (db.chat_state), so an old button or a late "có" confirms nothing."""

from __future__ import annotations

from handlers.base import Context, Incoming, MenuOption
from texts import messages


async def ask(ctx: Context, question: str, command: str) -> None:
    """Shows the question; "Có" then runs `command` again with `ctx.confirmed` set."""
    ctx.pending_confirmation = command
    await ctx.replier.send_menu(f"{question}\n{messages.CONFIRM_QUESTION}", [
        MenuOption(messages.CONFIRM_YES, "/co", key="1"),
        MenuOption(messages.CONFIRM_NO, "/khong", key="2"),
    ], columns=2)


async def yes(msg: Incoming, ctx: Context) -> None:
    # Reached only when no question is waiting: the router runs the pending command instead.
    await ctx.replier.send_text(messages.CONFIRM_NOTHING)


async def no(msg: Incoming, ctx: Context) -> None:
    await ctx.replier.send_text(messages.CONFIRM_DECLINED)
