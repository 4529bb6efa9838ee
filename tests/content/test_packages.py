"""Package checks: hostile zips are refused with the reason, real packages are understood."""

from __future__ import annotations

import io
import stat
import zipfile
from pathlib import Path

import pytest

from kholieu.content.packages.checks import (
    PackageLimits,
    PackageRejected,
    inspect_package,
    iter_files,
)

CONFORMANCE = Path(__file__).resolve().parents[2].parent / "shared/conformance/qtiworks/packages"

SCORM12_MANIFEST = """<?xml version="1.0"?>
<manifest identifier="bai-1" version="1.0" xmlns="http://www.imsproject.org/xsd/imscp_rootv1p1p2"
  xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_rootv1p2">
  <metadata><schema>ADL SCORM</schema><schemaversion>1.2</schemaversion></metadata>
  <organizations default="org">
    <organization identifier="org"><title>Phân số</title>
      <item identifier="i1" identifierref="sco1"><title>Bài 1</title></item>
    </organization>
  </organizations>
  <resources>
    <resource identifier="sco1" type="webcontent" adlcp:scormtype="sco" href="content/bai1.html">
      <file href="content/bai1.html"/>
    </resource>
  </resources>
</manifest>"""


def make_zip(entries: dict[str, bytes | str], **options) -> io.BytesIO:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, body in entries.items():
            info = zipfile.ZipInfo(name)
            info.compress_type = zipfile.ZIP_DEFLATED
            if name in options.get("symlinks", ()):
                info.external_attr = (stat.S_IFLNK | 0o777) << 16
            archive.writestr(info, body)
    raw = buffer.getvalue()
    for name in options.get("encrypted", ()):
        raw = _set_encrypted_flag(raw, name.encode())
    return io.BytesIO(raw)


def _set_encrypted_flag(raw: bytes, name: bytes) -> bytes:
    """Mark an entry encrypted in its local header and central directory record, as a zip tool
    with a password would (zipfile cannot write encrypted entries itself)."""
    data = bytearray(raw)
    for signature, flag_at, name_at in ((b"PK\x03\x04", 6, 30), (b"PK\x01\x02", 8, 46)):
        start = 0
        while (start := data.find(signature, start)) != -1:
            if data[start + name_at : start + name_at + len(name)] == name:
                data[start + flag_at] |= 0x1
            start += 4
    return bytes(data)


def rejected(source: io.BytesIO, limits: PackageLimits | None = None) -> str:
    with pytest.raises(PackageRejected) as info:
        inspect_package(source, limits)
    assert info.value.status_code == 422
    return info.value.message


# -- the qtiworks conformance packages ----------------------------------------------------------

BAD_PACKAGES = {
    "ZipSlip.zip": "entry ../etc/ escapes the package",
    "BadManifest.zip": "imsmanifest.xml is not well-formed XML (line 3, column 0)",
    "MissingFile.zip": "resource assessment: file missing.xml is not in the package",
    "ExternalHref.zip": "resource assessment: href ../outside.xml points outside the package",
    "WebDeveloperTest1-incomplete.zip": "the file is not a zip archive, or it is truncated",
    "NotContentPackage.zip": "not a content package: no imsmanifest.xml or index.html at the "
    "top of the zip",
}


@pytest.fixture
def conformance() -> Path:
    if not CONFORMANCE.is_dir():
        pytest.skip(f"conformance packages not found at {CONFORMANCE}")
    return CONFORMANCE


@pytest.mark.parametrize("name", sorted(BAD_PACKAGES))
def test_conformance_bad_packages_are_rejected_with_the_reason(conformance, name):
    with open(conformance / name, "rb") as fh:
        assert rejected(io.BytesIO(fh.read())) == BAD_PACKAGES[name]


def test_conformance_valid_package_is_accepted(conformance):
    with open(conformance / "WebDeveloperTest1.zip", "rb") as fh:
        info = inspect_package(io.BytesIO(fh.read()))
    assert info.standard == "imscp" and info.entry == "template_test1.xml"
    assert len(info.files) == 12 and "question1.xml" in info.files


# -- hostile zips ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("../../etc/passwd", "entry ../../etc/passwd escapes the package"),
        ("lab/../../x.js", "entry lab/../../x.js escapes the package"),
        ("/etc/passwd", "entry /etc/passwd has an absolute path"),
        ("C:/Windows/x.dll", "entry C:/Windows/x.dll has an absolute path"),
        ("lab\\..\\x.js", "entry lab\\..\\x.js has an absolute path"),
        # once left the unpack job retrying for ever (the store refuses such a key)
        ("a/./b.js", "entry a/./b.js has an empty or '.' part in its path"),
        ("a//b.js", "entry a//b.js has an empty or '.' part in its path"),
    ],
)
def test_paths_that_escape_are_rejected(name, reason):
    assert rejected(make_zip({"index.html": "<p>ok</p>", name: "x"})) == reason


def test_symlinks_are_rejected():
    source = make_zip({"index.html": "x", "data": "/etc/shadow"}, symlinks={"data"})
    assert rejected(source) == "entry data is a symbolic link"


def test_encrypted_entries_are_rejected():
    source = make_zip({"index.html": "x", "secret.js": "x"}, encrypted={"secret.js"})
    assert rejected(source) == "entry secret.js is encrypted"


def test_zip_bomb_ratio_is_rejected():
    source = make_zip({"index.html": "x", "zeros.bin": b"\0" * (20 * 1024 * 1024)})
    assert "entry zeros.bin expands" in rejected(source)


def test_total_size_and_entry_count_limits():
    source = make_zip({"index.html": "x" * 600, "a.js": "y" * 600})
    assert rejected(source, PackageLimits(max_total_bytes=1000)) == (
        "the package unpacks to more than 1000 bytes"
    )
    many = make_zip({"index.html": "x", **{f"f{i}.js": "x" for i in range(5)}})
    assert rejected(many, PackageLimits(max_entries=5)) == (
        "the package has 6 entries; at most 5 are allowed"
    )


def test_duplicate_entries_are_rejected():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("index.html", "one")
        archive.writestr("INDEX.html", "two")
    assert rejected(buffer) == "entry INDEX.html appears twice in the package"


def test_manifest_with_entities_is_rejected():
    bomb = (
        '<?xml version="1.0"?><!DOCTYPE m [<!ENTITY a "aaaaaaaaaa">'
        '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><manifest>&b;</manifest>'
    )
    assert rejected(make_zip({"imsmanifest.xml": bomb})) == (
        "imsmanifest.xml uses a DTD or entities, which are not allowed"
    )


def test_corrupt_entry_is_caught_while_reading():
    source = make_zip({"index.html": "<p>bài học</p>" * 50})
    raw = bytearray(source.getvalue())
    offset = raw.find(b"index.html") + len("index.html") + 5  # inside the compressed data
    raw[offset] ^= 0xFF
    corrupt = io.BytesIO(bytes(raw))
    info = inspect_package(corrupt)
    with pytest.raises(PackageRejected, match=r"entry index\.html is corrupt"):
        for _path, stream in iter_files(corrupt, info):
            stream.read()


# -- packages that work -------------------------------------------------------------------------


def test_html5_lab_in_a_single_folder():
    source = make_zip(
        {"con-lac/index.html": "<script src='js/sim.js'></script>", "con-lac/js/sim.js": "1;"}
    )
    info = inspect_package(source)
    assert (info.standard, info.entry, info.root) == ("html", "index.html", "con-lac/")
    assert dict(info.files) == {"index.html": 33, "js/sim.js": 2}
    assert [(path, stream.read()) for path, stream in iter_files(source, info)] == [
        ("index.html", b"<script src='js/sim.js'></script>"),
        ("js/sim.js", b"1;"),
    ]


def test_scorm_12_package():
    source = make_zip({"imsmanifest.xml": SCORM12_MANIFEST, "content/bai1.html": "<p>1/2</p>"})
    info = inspect_package(source)
    assert (info.standard, info.entry, info.title) == ("scorm12", "content/bai1.html", "Phân số")


def test_scorm_2004_package():
    manifest = SCORM12_MANIFEST.replace("rootv1p2", "v1p3").replace(
        "<schemaversion>1.2</schemaversion>", "<schemaversion>2004 4th Edition</schemaversion>"
    )
    source = make_zip({"imsmanifest.xml": manifest, "content/bai1.html": "x"})
    assert inspect_package(source).standard == "scorm2004"


# -- the stage's shape ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("head", "aspect"),
    [
        ('<meta name="viewport" content="width=800, height=450">', 1.7778),
        ("<META NAME=Viewport CONTENT='height=600,width=800'>", 1.3333),
        ('<meta name="viewport" content="width=device-width, initial-scale=1">', None),
        ('<meta name="viewport" content="width=device-width, height=device-height">', None),
        ('<meta name="viewport" content="width=100, height=1000">', None),  # not a stage
        ('<meta name="viewport" content="width=0, height=400">', None),
        ("<title>Con lắc</title>", None),
    ],
)
def test_the_launch_pages_stage_gives_the_frame_its_shape(head, aspect):
    page = f"<!doctype html><html><head>{head}</head><body><canvas></canvas></body></html>"
    info = inspect_package(make_zip({"lab/index.html": page, "lab/js/sim.js": "1;"}))
    assert info.aspect == aspect


def test_a_scorm_packages_launch_page_gives_its_shape_too():
    manifest = """<?xml version="1.0"?><manifest identifier="m"
      xmlns="http://www.imsproject.org/xsd/imscp_rootv1p1p2">
      <metadata><schemaversion>1.2</schemaversion></metadata>
      <organizations default="o"><organization identifier="o"><title>T</title>
      <item identifier="i" identifierref="r"><title>T</title></item></organization></organizations>
      <resources><resource identifier="r" type="webcontent" href="sco/start.html">
      <file href="sco/start.html"/></resource></resources></manifest>"""
    page = '<meta name="viewport" content="width=1024,height=768"><p>bài</p>'
    info = inspect_package(make_zip({"imsmanifest.xml": manifest, "sco/start.html": page}))
    assert (info.entry, info.aspect) == ("sco/start.html", 1.3333)
