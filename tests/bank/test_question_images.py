"""Images that hold nothing, or whose object is gone, never break an export: the sanitiser drops
an ``<img>`` pasted from another site, and every writer leaves out (and names) a question it
cannot hold, writing all the others."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from docx import Document
from PIL import Image
from sqlalchemy import select

from kholieu.bank import richtext
from kholieu.bank.exporter import Filters, export
from kholieu.bank.formats import WRITERS
from kholieu.bank.models import Question
from kholieu.bank.policy import visible
from kholieu.bank.schemas import QuestionIn, first_error
from kholieu.bank.service import image_key

BANK_IMAGE = "/cau-hoi/anh/" + "a" * 64
# What Chrome puts on the clipboard when a teacher copies a paragraph and its picture from a
# web page (Wikipedia here) and pastes them into the question editor.
PASTED = (
    '<html><body>\r\n<!--StartFragment--><p style="margin: 0.5em 0px; color: rgb(32, 33, 34);'
    ' font-family: sans-serif;">Quan sát <b>tế bào</b> trong hình:</p><figure typeof="mw:File'
    '/Thumb"><a href="https://vi.wikipedia.org/wiki/T%E1%BA%ADp_tin:Cell.png" class="mw-file'
    '-description"><img src="https://upload.wikimedia.org/wikipedia/commons/thumb/a/a5/Cell.png'
    '/220px-Cell.png" decoding="async" width="220" height="165" class="mw-file-element" '
    'srcset="//upload.wikimedia.org/a/Cell.png/330px-Cell.png 1.5x" alt="Tế bào > nhân">'
    '</a></figure><img alt="" src="data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAE=">'
    '<img src="blob:https://docs.google.com/8a1c"><img src="/cau-hoi/anh/../../etc">'
    f'<img src="{BANK_IMAGE}" alt="hình của kho"><!--EndFragment-->\r\n</body></html>'
)


def test_the_sanitiser_drops_images_pasted_from_another_site():
    cleaned = richtext.clean(PASTED)
    assert cleaned.count("<img") == 1 and f'src="{BANK_IMAGE}"' in cleaned
    assert "wikimedia" not in cleaned and "data:" not in cleaned and "blob:" not in cleaned
    assert "<b>tế bào</b>" in cleaned
    assert richtext.clean('<p>Xem <img alt="a src=&quot;x" width="9"> hình</p>') == (
        "<p>Xem  hình</p>"
    )


def test_a_stem_that_was_only_an_outside_image_is_refused_as_empty():
    data = {"type": "essay", "stem": '<img src="https://example.com/a.png">'}
    with pytest.raises(ValueError) as refused:
        QuestionIn.model_validate(data)
    assert first_error(refused.value) == "stem: the question has no text"


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "blue").save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture
def bank(services):
    """Three questions: one whose stored stem still holds an ``<img>`` with no source (written
    before the sanitiser dropped them), one whose image is gone from storage, one plain."""
    with services.sessions.begin() as session:
        shown = services.questions.store_image(session, _png(), "hinh.png")
        gone = services.questions.store_image(session, _png()[:-12] + b"x" * 12, "mat.png")
        made = []
        for stem, external in ((f"Hình cũ <img src=\"{shown}\"> và ảnh dán", "cu"),
                               (f"Ảnh đã mất <img src=\"{gone}\">", "mat"),
                               ("Thủ đô của Việt Nam là", None)):  # fmt: skip
            data = QuestionIn.model_validate({"type": "single_choice", "stem": stem,
                                              "options": ["Hà Nội", "Huế"], "answer": 0,
                                              "external_id": external})  # fmt: skip
            made.append(services.questions.create(session, None, data).id)
        legacy = session.get(Question, made[0])
        legacy.body = {**legacy.body, "stem": legacy.body["stem"] + ' <img alt="dán">',
                       "options": ["Hà Nội <img>", "Huế"]}  # fmt: skip
    services.store.delete(image_key(gone.removeprefix(richtext.IMAGE_PREFIX)))
    return made


@pytest.mark.parametrize("fmt", sorted(WRITERS))
def test_every_writer_writes_the_others_and_names_the_one_it_cannot_hold(
    services, bank, tmp_path, fmt
):
    _, missing, _ = bank
    out = tmp_path / f"xuat.{fmt}"
    with services.sessions() as session:
        count, notes = export(
            session, services.store, visible(None, system=True), fmt, out, Filters()
        )
    assert out.exists()
    if fmt in ("docx", "qti", "moodle"):  # the writers that embed images
        assert count == 2
        assert notes == [
            f"question #{missing} (mat): its image {_gone(services)[:12]}… is missing from storage"
        ]
    else:
        assert count == 3 and notes == [], notes
    if fmt == "docx":
        text = "\n".join(p.text for p in Document(str(out)).paragraphs)
        assert "Hình cũ" in text and "Thủ đô" in text and "Ảnh đã mất" not in text
        assert "Câu 2:" in text and "Câu 3:" not in text
        with zipfile.ZipFile(out) as package:
            assert len([n for n in package.namelist() if n.startswith("word/media/")]) == 1
    if fmt == "qti":
        with zipfile.ZipFile(out) as package:
            names = package.namelist()
        assert len([n for n in names if n.startswith("items/q")]) == 2
        assert len([n for n in names if n.startswith("items/images/")]) == 1
    if fmt == "jsonl":
        stems = [json.loads(line)["stem"] for line in out.read_text("utf-8").splitlines()]
        assert stems[0].endswith('<img alt="dán">')  # the export of record keeps rows as stored


def _gone(services) -> str:
    with services.sessions() as session:
        stem = session.scalar(select(Question.body).where(Question.external_id == "mat"))["stem"]
    return richtext.images(stem)[0]


def test_a_question_the_writer_breaks_on_is_left_out_and_named(services, bank, tmp_path):
    """Not only the reasons a writer knows: a body that is not as stored (options gone, the
    answer not an index) is left out with what broke, and the export goes on."""
    with services.sessions.begin() as session:
        broken = session.get(Question, bank[2])
        broken.body = {"stem": broken.body["stem"], "answer": "x"}
    for fmt in ("docx", "qti", "xlsx", "csv"):
        out = tmp_path / f"hong.{fmt}"
        with services.sessions() as session:
            count, notes = export(
                session, services.store, visible(None, system=True), fmt, out, Filters()
            )
        expected = 1 if fmt in ("docx", "qti") else 2
        assert count == expected, (fmt, notes)
        assert any(n.startswith(f"question #{bank[2]} (Thủ đô của Việt Nam là): ") for n in notes)


def test_the_command_line_export_says_which_questions_it_left_out(services, bank, tmp_path):
    from tests.conftest import run_kholieu

    settings = services.settings
    env = {"KHOLIEU_DATA_DIR": str(tmp_path), "KHOLIEU_DATABASE_URL": settings.database_url,
           "KHOLIEU_STORAGE_URL": settings.storage_url}  # fmt: skip
    out = tmp_path / "de.docx"
    result = run_kholieu("questions", "export", "--format", "docx", "--out", str(out), env=env)
    assert result.returncode == 0, result.stderr
    assert f"note: question #{bank[1]} (mat): its image " in result.stderr
    assert "exported 2 questions" in result.stderr and out.exists()


def _qti_package(tmp_path, *, keep_image: bool):
    """Our own QTI export of one question with an image; without the image (and without its
    line in the manifest, so the package itself is sound) when ``keep_image`` is false."""
    from kholieu.bank.formats.qti_write import write

    sha = "b" * 64
    question = {"type": "single_choice", "stem": f'Hình <img src="/cau-hoi/anh/{sha}">',
                "options": ["a", "b"], "answer": 0}  # fmt: skip
    buffer = io.BytesIO()
    assert write([question], buffer, images=lambda _: _png()) == []
    path = tmp_path / "goi.zip"
    with zipfile.ZipFile(buffer) as old, zipfile.ZipFile(path, "w") as new:
        for info in old.infolist():
            data = old.read(info.filename)
            if not keep_image and info.filename.startswith("items/images/"):
                continue
            if not keep_image and info.filename == "imsmanifest.xml":
                data = data.replace(f'<file href="items/images/{sha}.png" />'.encode(), b"")
            new.writestr(info, data)
    return path


def test_a_qti_item_whose_image_is_missing_is_named_with_the_image(tmp_path):
    from kholieu.bank.formats.qti_read import read_item_file, read_package

    stored = []
    sink = lambda data, name: stored.append(name) or "/cau-hoi/anh/" + "c" * 64  # noqa: E731
    (whole,) = read_package(_qti_package(tmp_path, keep_image=True), sink)
    assert whole.error is None and stored == ["images/" + "b" * 64 + ".png"]
    (found,) = read_package(_qti_package(tmp_path, keep_image=False), sink)
    image = f"images/{'b' * 64}.png"
    assert found.error == f"item items/q00001.xml: image '{image}' is not in the package"
    with zipfile.ZipFile(tmp_path / "goi.zip") as package:
        (tmp_path / "q00001.xml").write_bytes(package.read("items/q00001.xml"))
    (alone,) = read_item_file(tmp_path / "q00001.xml", sink)
    assert alone.error == f"item q00001.xml: image '{image}' is not beside the item file"
    assert "Errno" not in alone.error
