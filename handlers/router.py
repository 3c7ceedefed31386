"""From an incoming message to a handler, inside one unit of work.

Replies are held until the commit succeeds, so a person is never told "done" about a change
that was rolled back; on any error they get one clear Vietnamese sentence instead.
"""

from __future__ import annotations

import asyncio
import functools
import inspect
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from config.settings import Settings
from db import chat_state as state
from db import services
from db.evidence_files import EvidenceStore
from db.inbox import Inbox, mark_handled, owe_replies, replies_delivered, settle
from db.session import SessionFactory
from handlers import chat_actions, durable_replies, intents, registry
from handlers.base import (
    Attachment,
    Context,
    Incoming,
    MenuOption,
    OutgoingFile,
    OutsideTurn,
    Replier,
    UploadLink,
    UploadPurpose,
    menu_entries,
)
from handlers.common import UnitChoice, UserError, normalize_command
from handlers.turns import Turns, on_loop
from texts import messages
from texts.clean import MAX_NAME_LENGTH, sanitise
from timelang.calendar import WorkingCalendar
from timelang.clock import Clock

logger = logging.getLogger(__name__)

CalendarProvider = Callable[[Any], WorkingCalendar]


class BufferedReplier(Replier):
    """Collects a handler's answers and plays them on the real replier after the commit."""

    def __init__(self, target: Replier) -> None:
        super().__init__()
        self.target = target
        # The loop the real replier lives on: the unit of work may run on a worker's loop.
        self._home = asyncio.get_running_loop()
        self.max_text_length = target.max_text_length
        self.supports_buttons = target.supports_buttons
        self.supports_files = target.supports_files
        self.supports_contact = target.supports_contact
        self.receives_documents = target.receives_documents
        self._calls: list[tuple[str, tuple[Any, ...], dict[str, Any]]] = []

    async def send_text(self, text: str) -> None:
        self._calls.append(("send_text", (text,), {}))

    async def send_menu(
        self, text: str, options: Sequence[MenuOption], *, columns: int = 1
    ) -> None:
        if options and not self.target.supports_buttons:
            self.numbered_menu = menu_entries(options)
        self._calls.append(("send_menu", (text, list(options)), {"columns": columns}))

    async def send_file(self, file: OutgoingFile) -> None:
        self._calls.append(("send_file", (file,), {}))

    async def download(self, attachment: Attachment, max_bytes: int) -> bytes:
        return await on_loop(self._home, self.target.download(attachment, max_bytes))

    async def ask_contact(self, text: str, button: str) -> None:
        self._calls.append(("ask_contact", (text, button), {}))

    def upload_link(self, user_id: str, purpose: UploadPurpose) -> UploadLink | None:
        return self.target.upload_link(user_id, purpose)

    def replace_with(self, text: str) -> None:
        """What the handler meant to say is dropped: its work was rolled back."""
        self._calls = [("send_text", (text,), {})]
        self.numbered_menu = None

    def stored(self, chat_id: str) -> dict[str, Any] | None:
        """What flush would send, as the inbox row keeps it until it is delivered."""
        return durable_replies.encode(chat_id, self._calls)

    def replace_with_menu(self, text: str, options: list[MenuOption]) -> None:
        """Nothing was changed; the person is asked to choose (a unit named ambiguously)."""
        self._calls = [("send_menu", (text, options), {})]
        self.numbered_menu = None

    def replace_with_nothing(self) -> None:
        """The update was handled already (a redelivery, another instance): say nothing."""
        self._calls = []
        self.numbered_menu = None

    async def flush(self) -> None:
        calls, self._calls = self._calls, []
        for name, args, kwargs in calls:
            await getattr(self.target, name)(*args, **kwargs)


@dataclass
class Resolved:
    command: registry.Command | None = None
    flow: registry.FlowHandler | None = None
    flow_data: dict[str, Any] | None = None
    text: str = ""
    unknown: str | None = None
    menu_error: str | None = None
    confirmed: bool = False  # the person answered "Có" to this command's "Xác nhận?"
    chosen_from_menu: bool = False  # an option of the menu the bot had just offered
    # Not run: offered back as "Ý anh/chị là …?" (a typo, or plain Vietnamese).
    suggestion: intents.Suggestion | None = None


class Router:
    def __init__(
        self,
        *,
        session_factory: SessionFactory,
        settings: Settings,
        clock: Clock,
        evidence_store: EvidenceStore,
        calendar_provider: CalendarProvider,
        on_outbox_change: Callable[[], Awaitable[None] | None] | None = None,
        overlap: bool | None = None,
    ) -> None:
        self.session_factory = session_factory
        self.settings = settings
        self.clock = clock
        self.evidence_store = evidence_store
        self.calendar_provider = calendar_provider
        self.on_outbox_change = on_outbox_change
        # Updates of different chats are handled concurrently. On PostgreSQL their units of
        # work run in worker threads, so their database waits overlap; on SQLite (one writer)
        # they take turns on this loop (handlers/turns.py). Replies are sent after the unit
        # of work, on this loop, so network time overlaps with the next update's work.
        if overlap is None:
            bind = session_factory.kw.get("bind")
            overlap = bind is not None and bind.dialect.name != "sqlite"
        self._unit_of_work_turn = Turns(overlap=overlap)
        # Answers delivered, cleared from the inbox by the next commit (durable_replies).
        self._delivered = durable_replies.Delivered(self.flush_delivered)

    def close(self) -> None:
        """Waits for the units of work in flight and frees their workers."""
        self._unit_of_work_turn.close()

    async def handle(self, msg: Incoming, replier: Replier) -> None:
        msg = sanitised(msg)
        buffered = BufferedReplier(replier)
        queued, later = await self._unit_of_work_turn.run(
            functools.partial(self._run_unit_of_work, msg, buffered))
        await self._deliver(msg, buffered)
        while later is not None:
            # Slow work a handler asked for (downloading and reading a plan) runs between two
            # turns: a 20 MB PDF no longer makes every other chat wait for it.
            try:
                result = await later.work()
            except UserError as error:
                await replier.send_text(error.text)
                break
            except Exception as error:
                log_error(logger, "work outside the turn failed", error, self.settings.secrets)
                await replier.send_text(messages.GENERIC_ERROR)
                break
            queued_now, later = await self._unit_of_work_turn.run(functools.partial(
                self._run_unit_of_work, msg, buffered, resume=later.resume, result=result))
            queued = queued or queued_now
            await self._deliver(msg, buffered)
        if queued and self.on_outbox_change is not None:
            outcome = self.on_outbox_change()
            if inspect.isawaitable(outcome):
                await outcome

    async def _deliver(self, msg: Incoming, buffered: BufferedReplier) -> None:
        """Sends the answers, then clears them from the inbox row (they were stored in the
        same commit as the work, so a crash before this sends them on the next start)."""
        owed = msg.inbox_key is not None and buffered.stored(msg.chat_id) is not None
        await buffered.flush()
        if owed:
            await self._replies_delivered(msg.platform, str(msg.inbox_key))

    async def _replies_delivered(self, platform: str, key: str) -> None:
        """The answers went out: they are cleared by the next unit of work's commit, with no
        transaction of their own (or by `flush_delivered` when the bot is quiet). Until then
        a crash sends them once more on the next start, as before the clearing commit."""
        self._delivered.add(platform, key)

    async def flush_delivered(self) -> None:
        """Clears the answers delivered and not yet cleared, in one commit (a quiet moment,
        a graceful stop)."""
        pending = self._delivered.take_all()
        if not pending:
            return
        # In the turn: a write that waited here for another session's SQLite lock would block
        # the event loop that session needs to finish.
        async with self._unit_of_work_turn:
            session = self.session_factory()
            try:
                for platform, keys in pending.items():
                    replies_delivered(session, platform, keys)
                session.commit()
            except Exception as error:
                session.rollback()
                for platform, keys in pending.items():
                    self._delivered.give_back(platform, keys)
                # Left owed: the next flush clears them, or the next start sends them again.
                log_error(logger, "clearing delivered replies failed", error,
                          self.settings.secrets)
            finally:
                session.close()

    async def resend_owed(self, inbox: Inbox, platform: str,
                          replier_for: Callable[[str], Replier]) -> int:
        """On start: sends the answers a previous run committed but did not deliver, before
        anything new is handled; how many updates had some. One that fails to go out is
        logged and left owed for the next start."""
        # What this process delivered already is cleared first: a platform brought up again
        # in the same process (a reconnect) must not send those once more.
        await self.flush_delivered()
        owed = inbox.replies_owed(platform)
        sent = 0
        for item in owed:
            try:
                await durable_replies.play(replier_for(str(item.replies["chat"])), item.replies)
            except Exception as error:
                log_error(logger, "resending a reply failed", error, self.settings.secrets)
                continue
            await self._replies_delivered(platform, item.key)
            sent += 1
        if owed:
            await self.flush_delivered()  # one commit for all of them
            logger.info("%s: đã gửi lại câu trả lời của %d cập nhật (bot dừng trước khi kịp "
                        "gửi)", platform, sent)
        return sent

    async def _run_unit_of_work(
        self, msg: Incoming, buffered: BufferedReplier, *,
        resume: Callable[[Incoming, Context, Any], Awaitable[None]] | None = None,
        result: Any = None,
    ) -> tuple[bool, OutsideTurn | None]:
        """Runs the handler (or `resume` with `result`) and commits. Returns whether the
        commit queued outbox messages, and the work the handler left for outside the turn.
        On failure the buffer holds the one sentence that explains why nothing changed."""
        session = self.session_factory()
        # The update's own unit of work marks it handled in the inbox, in its last statement
        # (with its answers: one round trip, db.inbox.settle): a crash before the commit
        # leaves it for the next start, and only one transaction can ever commit it.
        marks_inbox = resume is None and msg.inbox_key is not None
        delivered: list[str] = []
        committed = False
        try:
            later = await self._handle_in_session(msg, buffered, session, resume, result)
            queued = bool(session.info.get(services.OUTBOX_CHANGED))
            if msg.inbox_key is not None:
                stored = buffered.stored(msg.chat_id)
                delivered = self._delivered.take(msg.platform)
                if marks_inbox:
                    if not settle(session, msg.platform, str(msg.inbox_key), self.clock.now(),
                                  stored, delivered=delivered):
                        # Handled elsewhere meanwhile (another instance, a replay): its
                        # work stands, this one is dropped and says nothing.
                        session.rollback()
                        buffered.replace_with_nothing()
                        return False, None
                else:
                    owe_replies(session, msg.platform, str(msg.inbox_key), stored,
                                delivered=delivered)
            session.commit()
            committed = True
        except UnitChoice as choice:
            session.rollback()
            self._offer_units(msg, buffered, choice)
        except UserError as error:
            session.rollback()
            buffered.replace_with(error.text)
        except services.DomainError as error:
            session.rollback()
            buffered.replace_with(messages.domain_error_text(error.key, error.params))
        except Exception as error:
            session.rollback()
            log_error(logger, "handling a message failed", error, self.settings.secrets)
            buffered.replace_with(messages.GENERIC_ERROR)
        else:
            return queued, later
        finally:
            if not committed:
                self._delivered.give_back(msg.platform, delivered)
            session.close()
        if msg.inbox_key is not None:
            # Nothing was changed, but the person is told why: the update is done with.
            self._mark_alone(msg, buffered, fresh=marks_inbox)
        return False, None

    def _offer_units(self, msg: Incoming, buffered: BufferedReplier, choice: UnitChoice) -> None:
        """Several units answer to the name typed: the same command, once per unit with its
        code, offered as a menu (keys kept server-side: a button carries only its key, so a
        long /giao fits Telegram's 64-byte button data)."""
        commands = [rewrite_unit(choice.command, choice.name, unit.code) for unit in choice.units]
        if not choice.command or None in commands:
            buffered.replace_with(choice.text)
            return
        options = [MenuOption(messages.UNIT_CHOICE_LABEL.format(name=unit.name,
                                              code=unit.code), str(key), key=str(key))
                   for key, unit in enumerate(choice.units, 1)]
        buffered.replace_with_menu(messages.render(
            messages.UNIT_CHOOSE, count=len(choice.units), name=choice.name), options)
        session = self.session_factory()
        try:
            state.save_menu(session, msg.platform, msg.chat_id, msg.user_id,
                            [(str(key), str(command)) for key, command in
                             enumerate(commands, 1)], self.clock.now(),
                            lifetime=state.MENU_LIFETIME)
            session.commit()
        except Exception as error:
            session.rollback()
            log_error(logger, "saving a unit choice failed", error, self.settings.secrets)
            buffered.replace_with(choice.text)
        finally:
            session.close()

    def _mark_alone(self, msg: Incoming, buffered: BufferedReplier, *, fresh: bool) -> None:
        """`fresh`: the update's first unit of work (not a resumed one), which failed: if it
        was handled elsewhere meanwhile, that handling stands and this says nothing."""
        session = self.session_factory()
        try:
            if not mark_handled(session, msg.platform, str(msg.inbox_key),
                                self.clock.now()) and fresh:
                session.rollback()
                buffered.replace_with_nothing()
                return
            owe_replies(session, msg.platform, str(msg.inbox_key), buffered.stored(msg.chat_id))
            session.commit()
        except Exception as error:
            session.rollback()
            # Left unhandled: the next start handles it again (and says the same thing).
            log_error(logger, "marking an update handled failed", error, self.settings.secrets)
        finally:
            session.close()

    async def _handle_in_session(
        self, msg: Incoming, replier: BufferedReplier, session: Any,
        resume: Callable[[Incoming, Context, Any], Awaitable[None]] | None, result: Any,
    ) -> OutsideTurn | None:
        now = self.clock.now()
        # The chat state comes with the actor, in one round trip (read by _resolve).
        actor, chat_state = services.resolve_actor_and_state(
            session,
            platform=msg.platform,
            external_id=msg.user_id,
            display_name=msg.user_name,
            private_chat_id=msg.chat_id if not msg.is_group else None,
            now=now,
            env_admins=self.settings.admin_identities,
            state_chat=msg.chat_id,
        )
        if msg.is_group:
            services.ensure_chat(session, platform=msg.platform, external_id=msg.chat_id,
                                 kind=msg.chat_type, title=msg.chat_title, now=now)
        if resume is not None:
            ctx = self._context(session, actor, replier, "")
            await resume(msg, ctx, result)
            ctx.settle()
            # A menu shown after work outside the turn (a plan's preview) answers the next
            # message too: on Zalo its numbers are typed.
            self._remember_menu(session, msg, replier, ctx, now)
            return ctx.later
        resolved = self._resolve(session, msg, now, chat_state)
        if resolved.menu_error:
            raise UserError(resolved.menu_error)
        if resolved.unknown is not None:
            raise UserError(messages.UNKNOWN_COMMAND.format(command=messages.esc(resolved.unknown)))
        if resolved.suggestion is not None:
            await intents.offer(replier, resolved.suggestion)
            state.save_menu(session, msg.platform, msg.chat_id, msg.user_id,
                            replier.numbered_menu or [], now, yes=resolved.suggestion.command,
                            lifetime=state.MENU_LIFETIME)
            return None
        if resolved.command is None and resolved.flow is None:
            if msg.is_group:
                return None  # people talk among themselves in groups; only commands are ours
            if msg.attachment is not None:
                raise UserError(messages.EVIDENCE_FILE_WITHOUT_TASK)
            raise UserError(messages.NOT_A_COMMAND_HINT)

        if resolved.command is not None:
            _, _, raw_args = resolved.text.partition(" ")
        else:
            raw_args = msg.text
        ctx = self._context(session, actor, replier, raw_args, confirmed=resolved.confirmed)
        ctx.chosen_from_menu = resolved.chosen_from_menu or msg.is_button
        if resolved.command is not None:
            try:
                await resolved.command.handler(msg, ctx)
            except UnitChoice as choice:
                choice.command = resolved.text  # the choice runs it again with a code
                raise
        elif resolved.flow is not None:
            await resolved.flow(msg, ctx, resolved.flow_data or {})
        ctx.settle()
        self._remember_menu(session, msg, replier, ctx, now)
        return ctx.later

    @staticmethod
    def _remember_menu(session: Any, msg: Incoming, replier: BufferedReplier, ctx: Context,
                       now: Any) -> None:
        if replier.numbered_menu or ctx.pending_confirmation:
            state.save_menu(session, msg.platform, msg.chat_id, msg.user_id,
                            replier.numbered_menu or [], now,
                            confirm=ctx.pending_confirmation, lifetime=state.MENU_LIFETIME)

    def _context(self, session: Any, actor: Any, replier: BufferedReplier, raw_args: str,
                 *, confirmed: bool = False) -> Context:
        return Context(
            session=session,
            settings=self.settings,
            clock=self.clock,
            calendar_loader=lambda: self.calendar_provider(session),
            actor=actor,
            replier=replier,
            evidence_store=self.evidence_store,
            args=raw_args.split(),
            raw_args=raw_args.strip(),
            confirmed=confirmed,
        )

    def _resolve(self, session: Any, msg: Incoming, now: Any, read: Any) -> Resolved:
        """What the message asks for. Whatever it is, the menu shown before it is forgotten:
        a menu answers only the message right after it. `read`: the chat state read with the
        actor (services.STATE_NOT_READ: not read yet)."""
        text = msg.text.strip()
        chat_state = (state.load(session, msg.platform, msg.chat_id, msg.user_id, now)
                      if read is services.STATE_NOT_READ else state.current(session, read, now))
        menu = state.current_menu(chat_state, now)
        had_menu = state.clear_menu(session, chat_state)
        if msg.contact_phone is not None and not msg.is_group:
            return self._resolve_command(f"/{registry.CONTACT_COMMAND}", None)
        if text.startswith("/"):
            return self._resolve_command(text, menu)
        if menu is not None:
            chosen = menu.options.get(intents.menu_key(text))
            if chosen is not None:
                return self._resolve_command(chosen, menu)
            answer = intents.yes_or_no(text) if (menu.confirm or menu.yes) else None
            if answer is False:
                return self._resolve_command("/khong", menu)
            if answer:
                return self._resolve_command(menu.yes or "/co", menu)
            if text.isdigit() and menu.options:
                return Resolved(menu_error=messages.render(
                    messages.MENU_CHOICE_NOT_OFFERED, number=text[:12],
                    keys=", ".join(menu.options)))
        if text and (msg.reply_to_id or msg.reply_to_text):
            # "xong", "50%", "nhắc lại mai" in reply to a reminder or a task's message: it is
            # about that message's task(s); /traloi asks which one, then "Xác nhận?".
            task_ids = chat_actions.reply_tasks(session, msg)
            today = now.astimezone(self.settings.tz).date()
            if task_ids and chat_actions.acts_on_task(text, task_ids[0], today):
                return self._resolve_command(
                    chat_actions.remember_reply(session, msg, text, task_ids, now), None)
        if chat_state is not None and chat_state.flow:
            flow = registry.FLOWS.get(chat_state.flow)
            if flow is not None:
                return Resolved(flow=flow, flow_data=dict(chat_state.data or {}), text=text)
        if text.isdigit() and not msg.is_group:
            # A bare number with no menu waiting: never guessed, the person says what they mean.
            return Resolved(menu_error=messages.render(
                messages.MENU_STALE if had_menu else messages.MENU_NONE, number=text[:12]))
        if text and not msg.is_group:
            suggestion = intents.understand(text, now.astimezone(self.settings.tz).date())
            if suggestion is not None and suggestion.direct and suggestion.command:
                return self._resolve_command(suggestion.command, None)
            if suggestion is not None:
                return Resolved(suggestion=suggestion)
        return Resolved()

    def _resolve_command(self, text: str, menu: state.Menu | None) -> Resolved:
        first, rest = [*text.split(maxsplit=1), ""][:2]
        command = registry.find(normalize_command(first))
        if command is None:
            fixed = intents.fix_command(text)
            if fixed is None:
                return Resolved(unknown=first[:64])
            if not fixed.exact:
                return Resolved(suggestion=fixed.suggestion())
            command, rest = fixed.command, fixed.rest
        if command.name == "co" and menu is not None and menu.confirm:
            target_text = menu.confirm
            target = registry.find(normalize_command(target_text.split()[0]))
            if target is not None:
                return Resolved(command=target, text=target_text, confirmed=True)
        resolved_text = f"/{command.name} {rest}".strip()
        offered = menu is not None and (text.strip() in menu.options.values())
        return Resolved(command=command, text=resolved_text, chosen_from_menu=offered)


def rewrite_unit(command: str, name: str, code: str) -> str | None:
    """`command` with the unit `name` as typed replaced by its `code`; None when the name is
    not found in it as such (then the person types the code themselves)."""
    name = name.strip()
    if not name:
        return None
    word, space, rest = command.partition(" ")
    head, found, tail = rest.partition(name)
    return f"{word}{space}{head}{code}{tail}" if found else None


def sanitised(msg: Incoming) -> Incoming:
    """The message with its people-typed texts cleaned once, where it enters the handlers:
    nothing downstream (database, spreadsheets, replies) meets a control character."""
    attachment = msg.attachment
    if attachment is not None and attachment.file_name is not None:
        attachment = replace(attachment, file_name=sanitise(
            attachment.file_name, max_length=MAX_NAME_LENGTH, single_line=True))
    return replace(
        msg,
        text=sanitise(msg.text),
        user_name=sanitise(msg.user_name, max_length=MAX_NAME_LENGTH, single_line=True),
        chat_title=None if msg.chat_title is None else sanitise(
            msg.chat_title, max_length=MAX_NAME_LENGTH, single_line=True),
        attachment=attachment,
    )


def log_error(log: logging.Logger, what: str, error: BaseException, secrets: Sequence[str]) -> None:
    """One line: what failed, the exception and where it was raised — no traceback, no token."""
    frame = None
    tb = error.__traceback__
    while tb is not None:
        frame = tb
        tb = tb.tb_next
    where = f"{frame.tb_frame.f_code.co_filename}:{frame.tb_lineno}" if frame else "?"
    line = f"{what}: {type(error).__name__}: {error} at {where}"
    for secret in secrets:
        line = line.replace(secret, "***")
    log.error("%s", line)
