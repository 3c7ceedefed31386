"""The official Bot API description (``telegram-bot-api.json``), compiled for fast validation.

``BotApiSpec.load()`` finds the JSON (``$TELEGRAM_BOT_API_SPEC``, then next to this module, then
``/work/shared/telegram-bot-api.json``) and caches the compiled result per path, so every fake
server in a test run shares one copy.

Validation turns raw request parameters (form strings, JSON values, uploaded files) into typed
values and a list of ``Problem`` s: unknown method fields, missing required fields, wrong types,
unknown keys in objects (recursively), and Telegram's content limits (text 4096 / caption 1024
after entity parsing, callback_data 1-64 bytes, button/command rules, HTML well-formedness).
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from tests.fakes.formatting import Parsed, ParseError, parse_formatted, utf16_len

__all__ = ["BotApiSpec", "MethodSpec", "Problem", "TypeSpec", "UploadedFile", "find_spec_file"]

SPEC_ENV = "TELEGRAM_BOT_API_SPEC"
_SPEC_CANDIDATES = (
    Path(__file__).with_name("telegram-bot-api.json"),
    Path(__file__).resolve().parents[2] / "shared" / "telegram-bot-api.json",
    Path("/work/shared/telegram-bot-api.json"),
)

TEXT_LIMIT = 4096
CAPTION_LIMIT = 1024
CALLBACK_DATA_LIMIT = 64
CALLBACK_ANSWER_LIMIT = 200
PRIMITIVES = frozenset({"Integer", "String", "Boolean", "Float", "True", "InputFile"})
_INT_RE = re.compile(r"-?\d+")
_COMMAND_RE = re.compile(r"[a-z0-9_]{1,32}")
_DISCRIMINATOR_RE = re.compile(r"(?:must be|always)\s*[\"“]?([a-z_]+)")
# InlineKeyboardButton: exactly one of the fields other than these must be set.
_BUTTON_PASSIVE = frozenset({"text", "icon_custom_emoji_id", "style"})
# String fields (inside InputMedia etc.) that may name an uploaded part as attach://<name>.
_ATTACH_FIELDS = frozenset({"media", "thumbnail", "cover", "photo", "video", "animation",
                            "sticker", "audio", "document"})


@dataclass(frozen=True, slots=True)
class Problem:
    """One reason the real API would refuse the request."""

    description: str  # what Telegram answers, e.g. "Bad Request: message is too long"
    detail: str  # what exactly is wrong, for humans

    def __str__(self) -> str:
        return self.description if not self.detail else f"{self.description} ({self.detail})"


@dataclass(frozen=True, slots=True)
class UploadedFile:
    """A multipart/form-data file part."""

    field: str
    filename: str | None
    content_type: str | None
    data: bytes

    def __repr__(self) -> str:
        return f"UploadedFile({self.field!r}, {self.filename!r}, {len(self.data)} bytes)"


@dataclass(frozen=True, slots=True)
class FieldSpec:
    name: str
    types: tuple[str, ...]
    required: bool


@dataclass(frozen=True, slots=True)
class TypeSpec:
    name: str
    fields: Mapping[str, FieldSpec]
    required: tuple[str, ...]
    subtypes: tuple[str, ...]
    discriminator: tuple[str, str] | None  # (field, literal) that selects this subtype


@dataclass(frozen=True, slots=True)
class MethodSpec:
    name: str
    fields: Mapping[str, FieldSpec]
    required: tuple[str, ...]
    returns: tuple[str, ...]


def find_spec_file(path: str | Path | None = None) -> Path:
    candidates = [Path(path)] if path else []
    if os.environ.get(SPEC_ENV):
        candidates.append(Path(os.environ[SPEC_ENV]))
    candidates.extend(_SPEC_CANDIDATES)
    for candidate in candidates:
        if candidate.is_file():
            return candidate
    raise FileNotFoundError(
        "telegram-bot-api.json not found; set $TELEGRAM_BOT_API_SPEC or pass spec_path "
        f"(looked in {', '.join(str(c) for c in candidates)})"
    )


def _fields(raw: list[dict[str, Any]]) -> dict[str, FieldSpec]:
    return {
        f["name"]: FieldSpec(f["name"], tuple(f["types"]), bool(f["required"])) for f in raw
    }


def _discriminator(raw_fields: list[dict[str, Any]]) -> tuple[str, str] | None:
    for f in raw_fields:
        if f["required"] and f["types"] == ["String"] and f["name"] in ("type", "status", "source"):
            m = _DISCRIMINATOR_RE.search(f.get("description", ""))
            if m:
                return f["name"], m.group(1)
    return None


class _Checker:
    """State for validating one request: collected problems and attach:// references."""

    __slots__ = ("attached", "files", "problems", "spec", "strict_ampersand")

    def __init__(self, spec: BotApiSpec, files: Mapping[str, UploadedFile],
                 strict_ampersand: bool) -> None:
        self.spec = spec
        self.files = files
        self.problems: list[Problem] = []
        self.attached: set[str] = set()
        self.strict_ampersand = strict_ampersand

    def bad(self, detail: str, description: str | None = None) -> None:
        self.problems.append(Problem(description or f"Bad Request: {detail}", detail))

    def check(self, value: Any, types: tuple[str, ...], path: str, top: bool) -> Any:
        """Converts/validates ``value`` against a union of spec types; problems are appended to
        ``self.problems`` (for a union: those of the closest alternative)."""
        if len(types) == 1:
            type_name = types[0]
            if type_name == "String" and value.__class__ is str and not self.files:
                return value  # fast path: the commonest field
            return self.check_one(value, type_name, path, top)
        if top and isinstance(value, str) and not any(t in PRIMITIVES for t in types):
            # A JSON-serialized object in a form field: decode once for all alternatives.
            value = self._decode(value, path)
            if value is None:
                return None
            top = False
        best: list[Problem] | None = None
        best_value = value
        saved = self.problems
        try:
            for type_name in types:
                self.problems = []
                converted = self.check_one(value, type_name, path, top)
                if not self.problems:
                    return converted
                if best is None or len(self.problems) < len(best):
                    best, best_value = self.problems, converted
        finally:
            self.problems = saved
        saved.extend(best or [])
        return best_value

    def check_one(self, value: Any, type_name: str, path: str, top: bool) -> Any:
        if isinstance(value, UploadedFile):
            if type_name != "InputFile":
                self.bad(f'{path}: a file was uploaded but the field is {type_name}')
            return value
        if type_name.startswith("Array of "):
            return self._array(value, type_name[9:], path, top)
        if type_name in PRIMITIVES:
            return self._primitive(value, type_name, path, top)
        return self._object(value, type_name, path, top)

    def _primitive(self, value: Any, type_name: str, path: str, top: bool) -> Any:
        if type_name == "String" or type_name == "InputFile":
            if isinstance(value, str):
                if value.startswith("attach://") and (
                        type_name == "InputFile" or path.rsplit(".", 1)[-1] in _ATTACH_FIELDS):
                    name = value[9:]
                    if name not in self.files:
                        self.bad(f"{path}: {value} refers to no uploaded file part",
                                 "Bad Request: wrong file identifier/HTTP URL specified")
                    else:
                        self.attached.add(name)
                        if type_name == "InputFile":
                            return self.files[name]
                return value
            self.bad(f"{path}: expected {type_name}, got {type(value).__name__} {value!r:.50}")
            return value
        if type_name == "Integer":
            if isinstance(value, int) and not isinstance(value, bool):
                return value
            if top and isinstance(value, str) and _INT_RE.fullmatch(value.strip()):
                return int(value)
        elif type_name == "Float":
            if isinstance(value, int | float) and not isinstance(value, bool):
                return value
            if top and isinstance(value, str):
                try:
                    return float(value)
                except ValueError:
                    pass
        elif type_name in ("Boolean", "True"):
            if isinstance(value, bool):
                return value
            if top and isinstance(value, str) and value.lower() in ("true", "false", "1", "0"):
                return value.lower() in ("true", "1")
        self.bad(f"{path}: expected {type_name}, got {type(value).__name__} {value!r:.50}")
        return value

    def _decode(self, value: Any, path: str) -> Any:
        if isinstance(value, str):
            try:
                return json.loads(value)
            except ValueError:
                self.bad(f"{path}: not valid JSON: {value!r:.60}",
                         f"Bad Request: can't parse {path.split('.')[0]} JSON object")
                return None
        return value

    def _array(self, value: Any, item_type: str, path: str, top: bool) -> Any:
        if top:
            value = self._decode(value, path)
            if value is None:
                return None
        if not isinstance(value, list):
            self.bad(f"{path}: expected Array of {item_type}, got {type(value).__name__}")
            return value
        result = []
        for index, item in enumerate(value):
            result.append(self.check(item, (item_type,), f"{path}[{index}]", False))
        return result

    def _object(self, value: Any, type_name: str, path: str, top: bool) -> Any:
        spec = self.spec.types.get(type_name)
        if spec is None:  # a type the spec does not describe: accept anything
            return value
        if top:
            value = self._decode(value, path)
            if value is None:
                return None
        if not isinstance(value, dict):
            self.bad(f"{path}: expected {type_name} object, got {type(value).__name__}")
            return value
        if spec.subtypes:
            return self._subtype(value, spec, path)
        for key, item in value.items():
            field = spec.fields.get(key)
            if field is None:
                self.bad(f'{path}: {type_name} has no field "{key}"')
                continue
            if item is None and not field.required:
                continue
            converted = self.check(item, field.types, f"{path}.{key}", False)
            if converted is not item:
                value = {**value, key: converted}
        for key in spec.required:
            if key not in value:
                self.bad(f'{path}: {type_name} requires field "{key}"')
        if spec.discriminator is not None:
            key, literal = spec.discriminator
            if key in value and value[key] != literal:
                self.bad(f'{path}.{key}: {type_name} needs "{literal}", got {value[key]!r}')
        rule = _OBJECT_RULES.get(type_name)
        if rule is not None:
            rule(self, value, path)
        if "caption" in value and "caption" in spec.fields and isinstance(value["caption"], str):
            self.caption(value["caption"], value.get("parse_mode"), f"{path}.caption")
        return value

    def _subtype(self, value: dict[str, Any], spec: TypeSpec, path: str) -> Any:
        candidates = [self.spec.types[name] for name in spec.subtypes if name in self.spec.types]
        keyed = [c for c in candidates if c.discriminator is not None]
        if keyed:
            for candidate in keyed:
                assert candidate.discriminator is not None
                key, literal = candidate.discriminator
                if value.get(key) == literal:
                    return self._object(value, candidate.name, path, False)
            key = keyed[0].discriminator[0] if keyed[0].discriminator else "type"
            allowed = ", ".join(c.discriminator[1] for c in keyed if c.discriminator)
            self.bad(f'{path}: {spec.name} "{key}" must be one of {allowed}, got '
                     f'{value.get(key)!r}')
            return value
        return self.check(value, tuple(c.name for c in candidates), path, False)

    # ----------------------------------------------------------------- content rules

    def formatted(self, text: str, parse_mode: Any, path: str) -> Parsed | None:
        try:
            return parse_formatted(text, parse_mode if isinstance(parse_mode, str) else None,
                                   strict_ampersand=self.strict_ampersand)
        except ParseError as error:
            self.bad(f"{path}: {error}", str(error))
        except ValueError as error:
            self.bad(f"{path}: {error}", str(error))
        return None

    def caption(self, caption: str, parse_mode: Any, path: str) -> Parsed | None:
        parsed = self.formatted(caption, parse_mode, path)
        if parsed is not None and parsed.length > CAPTION_LIMIT:
            self.bad(f"{path}: {parsed.length} characters after entity parsing, limit "
                     f"{CAPTION_LIMIT}", "Bad Request: message caption is too long")
        return parsed


def _rule_inline_button(checker: _Checker, button: dict[str, Any], path: str) -> None:
    if not button.get("text"):
        checker.bad(f"{path}.text: button text is empty", "Bad Request: BUTTON_TEXT_INVALID")
    actions = [key for key in button if key not in _BUTTON_PASSIVE]
    if len(actions) != 1:
        checker.bad(
            f"{path}: exactly one of url/callback_data/... must be set, got {actions}",
            "Bad Request: text buttons are unallowed in the inline keyboard"
            if not actions else "Bad Request: BUTTON_TYPE_INVALID",
        )
    data = button.get("callback_data")
    if isinstance(data, str):
        size = len(data.encode("utf-8"))
        if not 1 <= size <= CALLBACK_DATA_LIMIT:
            checker.bad(f"{path}.callback_data: {size} bytes, allowed 1-{CALLBACK_DATA_LIMIT}: "
                        f"{data!r:.80}", "Bad Request: BUTTON_DATA_INVALID")
    url = button.get("url")
    if isinstance(url, str) and not re.match(r"(https?|tg)://", url):
        checker.bad(f"{path}.url: {url!r} is not an http(s):// or tg:// URL",
                    "Bad Request: BUTTON_URL_INVALID")


def _rule_keyboard_button(checker: _Checker, button: dict[str, Any], path: str) -> None:
    if not button.get("text"):
        checker.bad(f"{path}.text: button text is empty", "Bad Request: BUTTON_TEXT_INVALID")


def _rule_bot_command(checker: _Checker, command: dict[str, Any], path: str) -> None:
    name = command.get("command")
    if isinstance(name, str) and not _COMMAND_RE.fullmatch(name):
        checker.bad(f"{path}.command: {name!r} must be 1-32 characters of a-z, 0-9 and _",
                    "Bad Request: BOT_COMMAND_INVALID")
    description = command.get("description")
    if isinstance(description, str) and not 1 <= len(description) <= 256:
        checker.bad(f"{path}.description: {len(description)} characters, allowed 1-256",
                    "Bad Request: command description is invalid")


_OBJECT_RULES = {
    "InlineKeyboardButton": _rule_inline_button,
    "KeyboardButton": _rule_keyboard_button,
    "BotCommand": _rule_bot_command,
}

# Methods whose "text" is message text (1-4096 after entity parsing).
_TEXT_METHODS = frozenset({"sendMessage", "editMessageText"})


@dataclass(slots=True)
class Validation:
    params: dict[str, Any]
    problems: list[Problem]
    parsed: dict[str, Parsed]  # "text"/"caption" → plain text + entities as Telegram stores them


class BotApiSpec:
    def __init__(self, raw: Mapping[str, Any]) -> None:
        self.version: str = str(raw.get("version", "?"))
        self.methods: dict[str, MethodSpec] = {}
        self._by_lower: dict[str, MethodSpec] = {}
        for name, method in raw["methods"].items():
            fields = _fields(method.get("fields", []))
            spec = MethodSpec(name, fields, tuple(f.name for f in fields.values() if f.required),
                              tuple(method.get("returns", [])))
            self.methods[name] = spec
            self._by_lower[name.lower()] = spec
        self.types: dict[str, TypeSpec] = {}
        for name, type_ in raw["types"].items():
            fields = _fields(type_.get("fields", []))
            self.types[name] = TypeSpec(
                name,
                fields,
                tuple(f.name for f in fields.values() if f.required),
                tuple(type_.get("subtypes", [])),
                _discriminator(type_.get("fields", [])),
            )

    @staticmethod
    def load(path: str | Path | None = None) -> BotApiSpec:
        return _load(str(find_spec_file(path).resolve()))

    def method(self, name: str) -> MethodSpec | None:
        """Method names are case-insensitive, as in Telegram."""
        return self.methods.get(name) or self._by_lower.get(name.lower())

    def validate(self, method: MethodSpec, params: Mapping[str, Any],
                 files: Mapping[str, UploadedFile] | None = None, *,
                 strict_ampersand: bool = True) -> Validation:
        """Checks one request's parameters; form strings are converted to their spec types."""
        files = files or {}
        checker = _Checker(self, files, strict_ampersand)
        result: dict[str, Any] = {}
        for key, value in params.items():
            field = method.fields.get(key)
            if field is None:
                checker.bad(f'{method.name} has no parameter "{key}"')
                result[key] = value
                continue
            result[key] = checker.check(value, field.types, key, True)
        for key, upload in files.items():
            if key in result or key in checker.attached:
                continue
            field = method.fields.get(key)
            if field is None:
                checker.bad(f'file part "{key}" is neither a parameter of {method.name} nor '
                            "referenced as attach://" + key)
                continue
            result[key] = checker.check(upload, field.types, key, True)
        for key in method.required:
            if key not in result or result[key] is None or result[key] == "":
                description = ("Bad Request: message text is empty" if key == "text"
                               else f"Bad Request: {key} is empty")
                checker.bad(f'{method.name} requires parameter "{key}"', description)
        parsed = self._content(method, result, checker)
        return Validation(result, checker.problems, parsed)

    def _content(self, method: MethodSpec, params: dict[str, Any],
                 checker: _Checker) -> dict[str, Parsed]:
        parsed: dict[str, Parsed] = {}
        mode = params.get("parse_mode")
        text = params.get("text")
        if method.name in _TEXT_METHODS and isinstance(text, str):
            result = checker.formatted(text, mode, "text")
            if result is not None:
                if not result.text:
                    checker.bad("text: empty after entity parsing and trimming",
                                "Bad Request: message text is empty")
                elif result.length > TEXT_LIMIT:
                    checker.bad(f"text: {result.length} characters after entity parsing, limit "
                                f"{TEXT_LIMIT}", "Bad Request: message is too long")
                parsed["text"] = result
        elif (method.name == "answerCallbackQuery" and isinstance(text, str)
              and len(text) > CALLBACK_ANSWER_LIMIT):
            checker.bad(f"text: {len(text)} characters, limit {CALLBACK_ANSWER_LIMIT}",
                        "Bad Request: MESSAGE_TOO_LONG")
        caption = params.get("caption")
        if isinstance(caption, str) and "caption" in method.fields:
            result = checker.caption(caption, mode, "caption")
            if result is not None:
                parsed["caption"] = result
        return parsed

    def validate_object(self, value: Any, type_name: str, path: str = "$") -> list[Problem]:
        """Problems of a (response) object against a spec type; used to self-check the fake."""
        checker = _Checker(self, {}, True)
        checker.check(value, (type_name,), path, False)
        return checker.problems

    def minimal(self, type_name: str, depth: int = 0) -> Any:
        """A smallest valid instance of a type (required fields only) for generic answers."""
        if type_name.startswith("Array of "):
            return []
        defaults: dict[str, Any] = {"Integer": 0, "Float": 0.0, "Boolean": False, "True": True,
                                    "String": "", "InputFile": ""}
        if type_name in defaults:
            return defaults[type_name]
        spec = self.types.get(type_name)
        if spec is None or depth > 5:
            return {}
        if spec.subtypes:
            for name in spec.subtypes:
                sub = self.types.get(name)
                if sub is not None and sub.discriminator is not None:
                    return self.minimal(name, depth + 1)
            return self.minimal(spec.subtypes[0], depth + 1)
        result: dict[str, Any] = {}
        for key in spec.required:
            result[key] = self.minimal(spec.fields[key].types[0], depth + 1)
        if spec.discriminator is not None:
            result[spec.discriminator[0]] = spec.discriminator[1]
        return result


@lru_cache(maxsize=4)
def _load(path: str) -> BotApiSpec:
    with open(path, encoding="utf-8") as handle:
        return BotApiSpec(json.load(handle))


def text_length(text: str) -> int:
    """Telegram's length of a plain string (UTF-16 code units)."""
    return utf16_len(text)
