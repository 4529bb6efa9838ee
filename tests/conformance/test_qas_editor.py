"""QAS-Editor's real files: Moodle XML of every Moodle question type, Aiken, GIFT and a Kahoot
sheet import (unsupported Moodle types reported by name), and the files that hold the same
questions in different formats import to the same questions: the second import finds them as
duplicates of the first. Also the Moodle CSV plugin's sample files."""

from __future__ import annotations

import pytest

from kholieu.bank.formats import reader_for
from kholieu.bank.schemas import QuestionIn
from tests.conformance.conftest import files, folder

SUPPORTED = {"essay", "multichoice", "numerical", "shortanswer", "truefalse"}


def fake_images():
    count = iter(range(10_000))
    return lambda data, name: f"/cau-hoi/anh/{next(count):064d}"


@pytest.mark.parametrize("name", files("qas-editor/moodle", "*.xml"))
def test_every_moodle_type(name):
    path = folder("qas-editor") / "moodle" / name
    records = list(reader_for(path)(path, fake_images()))
    assert records
    for record in records:
        if record.error:
            assert record.error.startswith("unsupported Moodle question type"), record.error
            kind = record.error.split("'")[1]
            assert kind not in SUPPORTED
        else:
            QuestionIn.model_validate(record.data)
    if name.removesuffix(".xml") in SUPPORTED:
        assert all(r.error is None for r in records)


def test_an_svg_in_moodle_xml_rejects_only_its_question(services):
    path = folder("qas-editor") / "moodle" / "all.xml"
    report = services.importer.run([path])
    svg = [r for r in report.rejected if "image/svg+xml is not an allowed image type" in r["error"]]
    assert [r.get("where") for r in svg] == ["html layout"]
    assert report.imported == 12  # every other question of a supported type
    unsupported = [r for r in report.rejected if "unsupported Moodle question type" in r["error"]]
    assert len(unsupported) == 12 and all(r["line"] for r in unsupported)


def test_the_same_questions_in_aiken_kahoot_and_gift_are_one_set(services):
    base = folder("qas-editor")
    first = services.importer.run([base / "aiken" / "aiken_1.txt"])
    assert first.imported == 5 and not first.rejected
    kahoot = services.importer.run([base / "kahoot" / "kahoot.csv"])
    # Kahoot's first question has four answers where Aiken's has five: another question.
    assert kahoot.imported == 1, kahoot.as_json()
    assert sorted(d["question"] for d in kahoot.duplicates) == sorted(first.ids[1:])
    gift = services.importer.run([base / "gift" / "multichoice.gift"])
    # Multichoice2 and Multichoice3 are Aiken's second and fourth questions, in HTML.
    assert sorted(d["question"] for d in gift.duplicates) == [first.ids[1], first.ids[3]]


@pytest.mark.parametrize("name", files("qas-editor/gift", "*.gift"))
def test_qas_gift_files(name):
    path = folder("qas-editor") / "gift" / name
    for record in reader_for(path)(path, fake_images()):
        if record.error:
            assert "matching" in record.error or "description" in record.error, record.error
        else:
            QuestionIn.model_validate(record.data)


@pytest.mark.parametrize("name", ["sample.csv", "extended_sample.csv"])
def test_moodle_csv_plugin_samples(name):
    path = folder("moodle-qformat-csv") / name
    records = list(reader_for(path)(path, fake_images()))
    assert len(records) >= 4
    for record in records:
        assert record.error is None, f"{name}:{record.line}: {record.error}"
        question = QuestionIn.model_validate(record.data)
        assert len(question.options) == 4
    assert records[1].data["type"] == "multiple_response" and records[1].data["answer"] == [0, 1]
    assert records[0].data["answer"] == 2  # "C"


def test_an_empty_file_is_reported(services):
    report = services.importer.run([folder("moodle-qformat-csv") / "csv_sample_old.csv"])
    assert report.rejected == [
        {"file": "csv_sample_old.csv", "line": None, "error": "no questions found in the file"}
    ]
