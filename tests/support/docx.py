"""Word documents written the way Word writes them: paragraphs of runs with their looks."""

from __future__ import annotations

from docx.shared import RGBColor

RED = RGBColor(0xFF, 0x00, 0x00)


def add(document, *parts):
    """A paragraph from (text, {underline, bold, red}) parts."""
    paragraph = document.add_paragraph()
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
