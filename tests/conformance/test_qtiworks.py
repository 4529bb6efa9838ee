"""qtiworks' QTI 2.1 items and packages: supported items import, everything else is reported
with its reason, and every bad package is refused before any item in it is read."""

from __future__ import annotations

import pytest

from kholieu.bank.formats import FormatError, reader_for
from kholieu.bank.schemas import QuestionIn
from tests.conformance.conftest import folder

BAD = {
    "BadManifest.zip": "imsmanifest.xml is not well-formed XML",
    "ExternalHref.zip": "points outside the package",
    "MissingFile.zip": "file missing.xml is not in the package",
    "NotContentPackage.zip": "not a content package",
    "WebDeveloperTest1-incomplete.zip": "not a zip archive, or it is truncated",
    "ZipSlip.zip": "entry ../etc/ escapes the package",
}


def fake_images():
    count = iter(range(10_000))
    return lambda data, name: f"/cau-hoi/anh/{next(count):064d}"


@pytest.mark.parametrize(("name", "reason"), sorted(BAD.items()))
def test_bad_packages_are_refused_with_the_reason(name, reason, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    path = folder("qtiworks") / "packages" / name
    with pytest.raises(FormatError, match=reason):
        list(reader_for(path)(path, fake_images()))
    assert list(tmp_path.iterdir()) == []  # nothing unpacked anywhere


def test_web_developer_test_package():
    path = folder("qtiworks") / "packages" / "WebDeveloperTest1.zip"
    records = {r.file.split(":")[1]: r for r in reader_for(path)(path, fake_images())}
    assert len(records) == 9
    q1 = QuestionIn.model_validate(records["question1.xml"].data)
    assert q1.type.value == "single_choice" and q1.answer == 2
    assert [o for o in q1.options] == [".xml", ".php", ".html"]
    q2 = QuestionIn.model_validate(records["question2.xml"].data)  # markup shown as text
    assert q2.options[0] == '&lt;a href = "myimage.html"&gt;Link to my page&lt;/a&gt;'
    q4 = QuestionIn.model_validate(records["question4.xml"].data)
    assert "/cau-hoi/anh/" in q4.stem  # directory.jpg, stored through the image sink
    q5 = QuestionIn.model_validate(records["question5.xml"].data)
    assert q5.type.value == "multiple_response" and q5.answer == [1, 4]
    assert records["question8.xml"].error == (
        "items with 2 interactions are not supported (the bank holds one question per item)"
    )


def test_sample_items():
    base = folder("qtiworks") / "samples-testimplementation"
    imported, reported = 0, []
    for path in sorted(base.rglob("*.xml")):
        try:
            records = list(reader_for(path)(path, fake_images()))
        except FormatError as exc:
            assert "a QTI assessment test" in str(exc)
            continue
        for record in records:
            if record.error:
                reported.append(record.error)
            else:
                QuestionIn.model_validate(record.data)
                imported += 1
    assert imported == 22
    assert all(
        e.startswith(("unsupported QTI interaction", "items with", "MathML")) for e in reported
    ), reported


def test_text_entry_and_mapped_choices():
    base = folder("qtiworks") / "samples-testimplementation" / "dave"
    (addition,) = reader_for(base / "addition-no-feedback.xml")(
        base / "addition-no-feedback.xml", fake_images()
    )
    data = QuestionIn.model_validate(addition.data)
    assert data.type.value == "short_answer" and data.answer == "4"
    assert data.stem == "<p>Please calculate the following:</p>\n    <p>2+2= _____</p>"
    (choice,) = reader_for(base / "choice-min.xml")(base / "choice-min.xml", fake_images())
    assert choice.data["type"] == "multiple_response" and choice.data["answer"] == [0, 2]
