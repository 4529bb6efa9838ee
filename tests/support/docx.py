"""Word documents written the way Word writes them: paragraphs of runs with their looks."""

from __future__ import annotations

import hashlib
import io
import struct
import zlib
from pathlib import Path

import pytest
from docx.shared import RGBColor

from kholieu.bank.formats.docx_read import read

RED = RGBColor(0xFF, 0x00, 0x00)
MATHTYPE_OBJECTS = (
    Path(__file__).resolve().parents[2].parent
    / "shared" / "conformance" / "mathtype" / "mathtype_to_mathml" / "input"
)  # fmt: skip
OMML = (
    '<m:oMath xmlns:m="http://schemas.openxmlformats.org/officeDocument/2006/math">'
    "<m:f><m:num><m:r><m:t>{top}</m:t></m:r></m:num>"
    "<m:den><m:r><m:t>{bottom}</m:t></m:r></m:den></m:f></m:oMath>"
)


def records(tmp_path, document) -> dict[str, object]:
    """The records read from the document saved as a .docx, by where they are (``Câu 3``)."""
    path = tmp_path / "de-thi.docx"
    document.save(path)

    def sink(data: bytes, name: str) -> str:
        return f"/cau-hoi/anh/{hashlib.sha256(data).hexdigest()}"

    return {r.where: r for r in read(path, sink)}


def add(document, *parts):
    """A paragraph from (text, {underline, bold, red}) parts (``document`` may be a table's
    cell: a paragraph after the ones it has)."""
    return write(document.add_paragraph(), *parts)


def write(paragraph, *parts):
    """(text, {underline, bold, red}) parts as runs at the end of ``paragraph`` — a table
    cell's first paragraph, which Word always makes."""
    for part in parts:
        text, look = (part, {}) if isinstance(part, str) else part
        run = paragraph.add_run(text)
        run.underline = look.get("underline")
        run.bold = look.get("bold")
        if look.get("red"):
            run.font.color.rgb = RED
    return paragraph


def add_mathtype(paragraph, ole: bytes, preview: bytes, *, prog_id: str = "Equation.DSMT4"):
    """A MathType equation as Word embeds one: an OLE object part
    (``word/embeddings/oleObjectN.bin``) and its preview picture (WMF), referenced from a
    ``w:object`` run holding a VML shape and an ``o:OLEObject``."""
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from docx.opc.packuri import PackURI
    from docx.opc.part import Part
    from docx.oxml import parse_xml

    document = paragraph.part
    count = sum(1 for p in document.package.iter_parts() if "/embeddings/" in p.partname)
    ole_part = Part(
        PackURI(f"/word/embeddings/oleObject{count + 1}.bin"),
        "application/vnd.openxmlformats-officedocument.oleObject", ole, document.package,
    )  # fmt: skip
    picture = Part(
        PackURI(f"/word/media/mathtype{count + 1}.wmf"), "image/x-wmf", preview, document.package
    )
    ole_id = document.relate_to(ole_part, RT.OLE_OBJECT)
    picture_id = document.relate_to(picture, RT.IMAGE)
    shape = f"_x0000_i{1025 + count}"
    paragraph._p.append(parse_xml(
        '<w:r xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
        'xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        '<w:object w:dxaOrig="1020" w:dyaOrig="620">'
        f'<v:shape id="{shape}" type="#_x0000_t75" style="width:51pt;height:31pt" o:ole="">'
        f'<v:imagedata r:id="{picture_id}" o:title=""/></v:shape>'
        f'<o:OLEObject Type="Embed" ProgID="{prog_id}" ShapeID="{shape}" DrawAspect="Content" '
        f'ObjectID="_17{count:08d}" r:id="{ole_id}"/></w:object></w:r>'
    ))  # fmt: skip
    return paragraph


def add_fraction(paragraph, top: str, bottom: str):
    """A Word equation (OMML) holding the fraction top/bottom, at the paragraph's end."""
    from docx.oxml import parse_xml

    paragraph._p.append(parse_xml(OMML.format(top=top, bottom=bottom)))
    return paragraph


def add_picture(paragraph, shade: int = 0):
    """A 1×1 PNG of its own colour (so each is a different image), as an inline drawing."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = zlib.crc32(kind + body) & 0xFFFFFFFF
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)

    png = (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(b"\x00" + bytes([shade, 0, 0]))) + chunk(b"IEND", b"")
    )  # fmt: skip
    paragraph.add_run().add_picture(io.BytesIO(png))
    return paragraph


def tiny_wmf() -> bytes:
    """A real placeable WMF (a rectangle), as MathType's previews are: libwmf draws it."""
    head = struct.pack("<IHhhhhHI", 0x9AC6CDD7, 0, 0, 0, 200, 100, 1440, 0)
    checksum = 0
    for word in struct.unpack("<10H", head):
        checksum ^= word
    body = (
        struct.pack("<IHhh", 5, 0x020B, 0, 0) + struct.pack("<IHhh", 5, 0x020C, 100, 200)
        + struct.pack("<IHhhhh", 7, 0x041B, 90, 190, 10, 10) + struct.pack("<IH", 3, 0)
    )  # fmt: skip
    header = struct.pack("<HHHIHIH", 1, 9, 0x0300, (18 + len(body)) // 2, 0, 7, 0)
    return head + struct.pack("<H", checksum) + header + body


def mathtype_objects(count: int) -> list[bytes]:
    """Real MathType OLE objects from ../shared/conformance (the test is skipped without)."""
    found = sorted(MATHTYPE_OBJECTS.glob("*.bin"))
    if len(found) < count:
        pytest.skip(f"MathType objects not found at {MATHTYPE_OBJECTS}")
    return [path.read_bytes() for path in found[:count]]


def question_list(document, num_id: int, *, start: int = 1, restart: int | None = None) -> int:
    """A Word list numbering paragraphs "Câu %1:" (bold), counting from ``start``, as a
    numbering definition (w:abstractNum) and its instance (w:num); ``restart`` adds Word's
    "Restart at …" (lvlOverride/startOverride) to the instance. Returns its numId."""
    from docx.oxml import parse_xml

    namespace = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    numbering = document.part.numbering_part.numbering_definitions._numbering
    numbering.insert(0, parse_xml(
        f'<w:abstractNum {namespace} w:abstractNumId="{num_id}">'
        '<w:multiLevelType w:val="hybridMultilevel"/><w:lvl w:ilvl="0">'
        f'<w:start w:val="{start}"/><w:numFmt w:val="decimal"/><w:lvlText w:val="Câu %1:"/>'
        '<w:lvlJc w:val="left"/><w:rPr><w:b/></w:rPr></w:lvl></w:abstractNum>'
    ))  # fmt: skip
    override = (
        f'<w:lvlOverride w:ilvl="0"><w:startOverride w:val="{restart}"/></w:lvlOverride>'
        if restart is not None
        else ""
    )
    numbering.append(parse_xml(
        f'<w:num {namespace} w:numId="{num_id}"><w:abstractNumId w:val="{num_id}"/>'
        f"{override}</w:num>"
    ))  # fmt: skip
    return num_id


def add_numbered(document, text: str, num_id: int):
    """A paragraph in the list ``num_id`` (its number is Word's, not in the text)."""
    from docx.oxml import parse_xml

    paragraph = document.add_paragraph(text)
    paragraph._p.get_or_add_pPr().append(parse_xml(
        '<w:numPr xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        f'<w:ilvl w:val="0"/><w:numId w:val="{num_id}"/></w:numPr>'
    ))  # fmt: skip
    return paragraph
