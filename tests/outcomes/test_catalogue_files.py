"""The catalogue's files: CSV and JSON in and out, every refusal with its line and field, all
or nothing, upserts that keep codes, retiring, and the seed."""

from __future__ import annotations

import json

import pytest

from kholieu.errors import ValidationFailed
from kholieu.outcomes import formats
from kholieu.outcomes.catalogue import by_code
from kholieu.outcomes.codes import CODE
from kholieu.outcomes.models import Outcome

HEADER = "code,subject,grade,strand,text\n"
GOOD = (
    HEADER
    + 'TOAN.10.HS.01,toan,10,"Hàm số, đồ thị và ứng dụng",Nhận biết được hàm số.\n'
    + 'TOAN.10.HS.02,Toán,Lớp 10,"Hàm số, đồ thị và ứng dụng",Vẽ được parabol.\n'
    + "VATLI.11.DD.01,Vật lý,11,Dao động,Mô tả được dao động tự do.\n"
)


def imported(services, data: bytes | str, name: str = "yccd.csv"):
    raw = data.encode() if isinstance(data, str) else data
    with services.sessions.begin() as session:
        return services.outcomes.import_file(session, None, raw, name)


def refused(services, data: bytes | str, name: str = "yccd.csv") -> list[dict]:
    with pytest.raises(ValidationFailed) as caught:
        imported(services, data, name)
    return caught.value.details["errors"]


def stored(services) -> dict[str, Outcome]:
    with services.sessions() as session:
        return {o.code: o for o in session.query(Outcome)}


def test_csv_imports_with_subject_names_and_grade_words(services):
    done = imported(services, GOOD)
    assert (len(done.created), len(done.updated), done.unchanged) == (3, 0, 0)
    rows = stored(services)
    assert rows["TOAN.10.HS.02"].subject == "toan" and rows["TOAN.10.HS.02"].grade == 10
    assert rows["VATLI.11.DD.01"].subject == "vat-li"
    assert rows["TOAN.10.HS.01"].strand == "Hàm số, đồ thị và ứng dụng"
    # new outcomes take positions in the file's order, within their subject and grade
    assert [rows[c].position for c in ("TOAN.10.HS.01", "TOAN.10.HS.02")] == [0, 1]
    assert " ham so " in rows["TOAN.10.HS.01"].folded and " toan " in rows["TOAN.10.HS.01"].folded


def test_semicolons_and_a_byte_order_mark_as_excel_writes_them(services):
    excel = "\ufeff" + GOOD.replace(",", ";").replace('"Hàm số; đồ thị và ứng dụng"', "Hàm số")
    done = imported(services, excel.encode("utf-8"))
    assert len(done.created) == 3
    assert stored(services)["TOAN.10.HS.01"].strand == "Hàm số"


def test_vietnamese_headers(services):
    text = "Mã;Môn;Lớp;Mạch nội dung;Yêu cầu cần đạt\nTOAN.12.XS.01;Toán;12;Xác suất;Nêu được.\n"
    assert imported(services, text).created == ["TOAN.12.XS.01"]


def test_json_list_and_object(services):
    records = [{"code": "toan.11.ds.01", "subject": "toan", "grade": 11, "strand": "Dãy số",
                "text": "Nhận biết được dãy số."}]  # fmt: skip
    assert imported(services, json.dumps(records), "a.json").created == ["TOAN.11.DS.01"]
    wrapped = {"outcomes": [{**records[0], "code": "TOAN.11.DS.02"}]}
    assert imported(services, json.dumps(wrapped, ensure_ascii=False), "b.json").created == [
        "TOAN.11.DS.02"
    ]


def test_every_bad_row_is_named_with_its_line_and_field_and_nothing_is_stored(services):
    bad = (
        HEADER
        + "TOAN.10.HS.01,toan,10,Hàm số,Đúng.\n"  # line 2: fine
        + "\n"  # line 3: blank, skipped
        + "toan 10,toan,10,Hàm số,Mã có dấu cách.\n"  # 4: code
        + "TOAN.10.HS.03,hoá học cổ,10,Hàm số,Môn lạ.\n"  # 5: subject
        + "TOAN.10.HS.04,toan,13,Hàm số,Lớp 13.\n"  # 6: grade
        + "TOAN.10.HS.05,toan,10,,Không mạch.\n"  # 7: strand
        + "TOAN.10.HS.06,toan,10,Hàm số,\n"  # 8: text
        + "TOAN.10.HS.01,toan,10,Hàm số,Trùng mã.\n"  # 9: duplicate code
        + f"TOAN.10.HS.07,toan,10,Hàm số,{'x' * (formats.MAX_TEXT + 1)}\n"  # 10: too long
    )
    errors = refused(services, bad)
    assert [(e["line"], e["field"]) for e in errors] == [
        (4, "code"), (5, "subject"), (6, "grade"), (7, "strand"), (8, "text"), (9, "code"),
        (10, "text"),
    ]  # fmt: skip
    assert stored(services) == {}  # line 2 was good, and is not stored either


def test_the_messages_are_vietnamese_on_a_vietnamese_request(services):
    from kholieu.i18n import current_locale

    token = current_locale.set("vi")
    try:
        errors = refused(services, HEADER + "TOAN.10.HS.04,toan,13,Hàm số,Lớp 13.\n")
    finally:
        current_locale.reset(token)
    assert errors[0]["message"].startswith("Dòng 2, cột grade: ")
    assert "13" in errors[0]["message"]


def test_position_and_retired_values_are_checked(services):
    text = ("code,subject,grade,strand,text,position,retired\n"
            "A.1,toan,10,S,T,-3,\nA.2,toan,10,S,T,1,maybe\n")  # fmt: skip
    errors = refused(services, text)
    assert [(e["line"], e["field"]) for e in errors] == [(2, "position"), (3, "retired")]


def test_header_problems(services):
    errors = refused(services, "code,subject,grade,text,colour\nA.1,toan,10,T,red\n")
    assert {(e["line"], e["field"]) for e in errors} == {(1, "colour"), (1, "strand")}
    assert refused(services, "")[0]["field"] == "file"
    assert refused(services, HEADER)[0]["field"] == "file"  # a header and no rows
    many = HEADER + "A.1,toan,10,S,T,extra\n"
    assert [(e["line"], e["field"]) for e in refused(services, many)] == [(2, "file")]


def test_json_problems_name_the_record_and_field(services):
    records = [{"code": "A.1", "subject": "toan", "grade": 10, "strand": "S", "text": "T"},
               {"code": "A.2", "subject": "toan", "grade": "mười ba", "strand": "S", "text": "T",
                "colour": "red"}, "not an object"]  # fmt: skip
    errors = refused(services, json.dumps(records, ensure_ascii=False), "x.json")
    assert [(e["line"], e["field"]) for e in errors] == [(2, "colour"), (2, "grade"), (3, "record")]
    assert errors[0]["message"].startswith("Record 2, field colour: ")
    assert refused(services, "[{", "x.json")[0]["field"] == "file"
    assert refused(services, '{"a": 1}', "x.json")[0]["field"] == "file"


def test_limits_and_encodings(services):
    assert refused(services, b"x" * (formats.MAX_BYTES + 1))[0]["field"] == "file"
    assert refused(services, (HEADER + "A.1,toan,10,Hàm,T\n").encode("latin-1"))[0]["field"] == (
        "file"
    )
    assert refused(services, HEADER + "A.1,toan,10,S,T\x00\n")[0]["field"] == "file"
    rows = "".join(f"A.{n},toan,10,S,T\n" for n in range(formats.MAX_ROWS + 1))
    assert refused(services, HEADER + rows)[-1]["field"] == "file"


def test_upsert_keeps_codes_missing_from_a_file_and_updates_the_others(services):
    imported(services, GOOD)
    change = HEADER + "TOAN.10.HS.02,toan,10,Hàm số bậc hai,Vẽ được parabol là đồ thị.\n"
    done = imported(services, change)
    assert (done.created, done.updated, done.unchanged) == ([], ["TOAN.10.HS.02"], 0)
    rows = stored(services)
    assert set(rows) == {"TOAN.10.HS.01", "TOAN.10.HS.02", "VATLI.11.DD.01"}  # none deleted
    assert rows["TOAN.10.HS.02"].strand == "Hàm số bậc hai"
    assert rows["TOAN.10.HS.02"].position == 1  # kept: the file gave none
    assert " bac hai " in rows["TOAN.10.HS.02"].folded
    assert imported(services, change).unchanged == 1


def test_retired_true_retires_and_false_brings_back(services):
    imported(services, GOOD)
    retire = "code,subject,grade,strand,text,retired\nVATLI.11.DD.01,vat-li,11,Dao động,Mô tả được dao động tự do.,true\n"  # noqa: E501
    assert imported(services, retire).retired == ["VATLI.11.DD.01"]
    with services.sessions() as session:
        assert services.outcomes.search(session, "dao dong").total == 0  # out of the picker
        assert by_code(session, ["VATLI.11.DD.01"])["VATLI.11.DD.01"].retired  # still known
    imported(services, retire.replace(",true", ",false"))
    assert not stored(services)["VATLI.11.DD.01"].retired


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_export_round_trips_byte_for_byte(services, fmt):
    imported(services, GOOD)
    awkward = (
        "code,subject,grade,strand,text,retired\n"
        'TOAN.10.HS.09,toan,10,"Dấu ""ngoặc""","Có; chấm phẩy, phẩy\nxuống dòng",true\n'
    )
    imported(services, awkward)
    with services.sessions() as session:
        first = services.outcomes.export(session, fmt)
    with services.sessions.begin() as session:  # a fresh catalogue reads it back whole
        session.query(Outcome).delete()
    done = imported(services, first, f"yccd.{fmt}")
    assert len(done.created) == 4 and done.retired == ["TOAN.10.HS.09"]
    with services.sessions() as session:
        second = services.outcomes.export(session, fmt)
        assert second == first
        # and over the catalogue it came from, it changes nothing
    assert imported(services, first, f"yccd.{fmt}").unchanged == 4
    if fmt == "csv":
        assert first.startswith(b"\xef\xbb\xbfcode,subject,grade,strand,text,position,retired\r\n")


def test_export_filters_by_subject_and_grade(services):
    imported(services, GOOD)
    with services.sessions() as session:
        data = services.outcomes.export(session, "json", subject="vat-li", grade=11)
    assert [r["code"] for r in json.loads(data)] == ["VATLI.11.DD.01"]


def test_the_seed_loads_and_is_idempotent(services):
    with services.sessions.begin() as session:
        done = services.outcomes.seed(session)
    assert len(done.created) >= 250
    with services.sessions.begin() as session:
        again = services.outcomes.seed(session)
    assert (again.created, again.updated, again.unchanged) == ([], [], len(done.created))
    rows = stored(services)
    assert len(rows) == len(done.created)  # every code unique
    assert all(CODE.fullmatch(code) for code in rows)
    present = {(o.subject, o.grade) for o in rows.values()}
    assert present == {(s, g) for s in ("toan", "vat-li") for g in (10, 11, 12)}
    for o in rows.values():
        prefix = {"toan": "TOAN", "vat-li": "VATLI"}[o.subject]
        assert o.code.startswith(f"{prefix}.{o.grade}.") and o.text.endswith(".")
    per_strand: dict[tuple, int] = {}
    for o in rows.values():
        per_strand[(o.subject, o.grade, o.strand)] = (
            per_strand.get((o.subject, o.grade, o.strand), 0) + 1
        )
    assert len(per_strand) >= 35 and min(per_strand.values()) >= 3
