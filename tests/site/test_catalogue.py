"""One catalogue for pages and messages: every text a user can be shown (a template's
``_()``, the message of every error the code raises, every validator's refusal) is a Vietnamese
msgid with its English in ``locales/en``; the two render with the same placeholders; the source
is Vietnamese; no message is built in a way the catalogue cannot hold (an f-string)."""

from __future__ import annotations

import ast
import importlib.util
import re
import string
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from kholieu.errors import KholieuError, NotFound, ValidationFailed
from kholieu.i18n import Invalid, Message, Term, current_locale
from kholieu.pydantic_messages import FIELDS, TEMPLATES, field_label, located

ROOT = Path(__file__).resolve().parents[2]
VIETNAMESE = re.compile(
    r"[àáảãạăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ]", re.I
)


def _messages_module():
    spec = importlib.util.spec_from_file_location("kholieu_messages", ROOT / "scripts/messages.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


MESSAGES = _messages_module()


@pytest.fixture(scope="module")
def extracted() -> dict[str, list[tuple[str, int]]]:
    return MESSAGES.extracted()


@pytest.fixture(scope="module")
def catalogue():
    return MESSAGES.read_catalogue()


@pytest.fixture(autouse=True)
def vietnamese() -> Iterator[None]:
    """These tests choose each locale themselves; Vietnamese unless they say otherwise."""
    token = current_locale.set("vi")
    yield
    current_locale.reset(token)


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_msgid_has_english(extracted, catalogue) -> None:
    missing = [
        f"{msgid!r} ({places[0][0]}:{places[0][1]})"
        for msgid, places in extracted.items()
        if not (found := catalogue.get(msgid)) or not found.string or found.fuzzy
    ]
    assert not missing, "no English (run scripts/messages.py):\n" + "\n".join(missing)


def test_english_keeps_every_placeholder(extracted, catalogue) -> None:
    wrong = []
    for msgid in extracted:
        found = catalogue.get(msgid)
        if found is None or not found.string or "{" not in msgid:
            continue
        if isinstance(found.string, str) and placeholders(found.string) != placeholders(msgid):
            wrong.append(f"{msgid!r} → {found.string!r}")
    assert not wrong, "\n".join(wrong)


def test_every_message_renders_in_both_languages(extracted) -> None:
    """Each template, filled with a value per placeholder, renders in Vietnamese and English
    (a stray brace or a bad format spec fails here, not in front of a user)."""
    for msgid in extracted:
        if "{" not in msgid:
            continue
        params = {name: 7 for name in placeholders(msgid)}
        message = Message(msgid, params)
        for locale in ("vi", "en"):
            assert "{" not in message.render(locale).replace("{{", ""), (msgid, locale)


def _raised_messages() -> list[tuple[str, int, ast.expr]]:
    """The first argument of every call to an error class, ``Invalid`` or ``FormatError``."""
    names = MESSAGES.error_classes() | {"Invalid", "FormatError"}
    found = []
    for path in sorted((ROOT / "kholieu").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in names
                and node.args
            ):
                found.append((str(path.relative_to(ROOT)), node.lineno, node.args[0]))
    return found


def test_no_message_is_an_f_string() -> None:
    """An f-string cannot be a msgid: the values go in as parameters."""
    built = [
        f"{path}:{line}" for path, line, arg in _raised_messages() if isinstance(arg, ast.JoinedStr)
    ]
    assert not built, "messages built as f-strings:\n" + "\n".join(built)


def test_messages_are_written_in_vietnamese() -> None:
    english = []
    for path, line, arg in _raised_messages():
        if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
            words = re.sub(r"\{[^}]*\}", "", arg.value)
            if re.search(r"[a-z]{3}", words, re.I) and not VIETNAMESE.search(words):
                english.append(f"{path}:{line}: {arg.value!r}")
    assert not english, "messages not written in Vietnamese:\n" + "\n".join(english)


def test_every_error_class_renders_in_each_locale() -> None:
    error = ValidationFailed("Không có câu hỏi số {question_id}", question_id=12)
    assert error.message == "Không có câu hỏi số 12"
    token = current_locale.set("en")
    try:
        assert error.message == "no question 12"
        assert str(NotFound(Message("Không có học liệu số {item_id}", {"item_id": 3}))) == (
            "no content item 3"
        )
    finally:
        current_locale.reset(token)
    assert isinstance(error, KholieuError) and error.code == "validation_failed"


def test_numbers_and_terms_follow_the_locale() -> None:
    message = Message(
        "{what} chỉ được mang tối đa {limit} byte", {"what": Term("Một yêu cầu"), "limit": 8.75}
    )
    assert message.render("vi") == "Một yêu cầu chỉ được mang tối đa 8,75 byte"
    assert message.render("en") == "a request may carry at most 8.75 bytes"


def test_a_validators_refusal_keeps_its_words_in_each_locale() -> None:
    refusal = Invalid("Phương án {chr} để trống", chr="D")
    error = {"type": "value_error", "loc": ("options",), "msg": "x", "ctx": {"error": refusal}}
    assert located(error, "options") == "Phương án: Phương án D để trống"
    token = current_locale.set("en")
    try:
        assert located(error, "options") == "options: option D is empty"
        short = {"type": "string_too_short", "loc": ("title",), "msg": "String should have at "
                 "least 1 character", "ctx": {"min_length": 1}}  # fmt: skip
        assert located(short, "title") == "title: String should have at least 1 character"
    finally:
        current_locale.reset(token)
    assert located(short, "title") == "Tiêu đề: cần ít nhất 1 kí tự"


def test_field_paths_read_as_names() -> None:
    assert field_label("options.3") == "Phương án 4"
    assert field_label("body.title") == "Nội dung · Tiêu đề"
    assert field_label("x_unknown") == ""  # never shown raw


def test_every_marked_text_is_extracted(extracted) -> None:
    """Babel skips a marker nested in another marked call (``FormatError(N_(...))``): each
    ``N_()`` must stand where extraction finds it."""
    missed = []
    for path in sorted((ROOT / "kholieu").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "N_":
                text = node.args[0].value if isinstance(node.args[0], ast.Constant) else None
                if text not in extracted:
                    missed.append(f"{path.relative_to(ROOT)}:{node.lineno}: {text!r}")
    assert not missed, "\n".join(missed)


def test_pydantic_tables_are_in_the_catalogue(extracted) -> None:
    for text in [*TEMPLATES.values(), *FIELDS.values()]:
        assert text in extracted, text
