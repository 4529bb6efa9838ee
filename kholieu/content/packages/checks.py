"""Checks uploaded zip packages (HTML5 labs and lectures, SCORM 1.2/2004, IMS content packages)
before anything from them is stored, and finds the file to launch.

Every entry is checked up front by kholieu.files.zipsafe (traversal, links, encryption,
duplicates, and the limits that stop zip bombs). The manifest is parsed with defusedxml: no
entities, no external references.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from html.parser import HTMLParser
from typing import BinaryIO, Literal
from urllib.parse import unquote, urlsplit
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from kholieu.files.zipsafe import (
    CheckedStream,
    PackageLimits,
    PackageRejected,
    check_entries,
    open_zip,
)

MANIFEST = "imsmanifest.xml"
MAX_MANIFEST_BYTES = 4 * 1024 * 1024
_ADLCP_12 = "http://www.adlnet.org/xsd/adlcp_rootv1p2"
_ADLCP_2004 = "http://www.adlnet.org/xsd/adlcp_v1p3"

Standard = Literal["html", "scorm12", "scorm2004", "imscp"]


@dataclass(frozen=True)
class PackageInfo:
    standard: Standard
    entry: str  # the file to launch, relative to the package root
    root: str  # "" or the single top-level folder ("lab/") the files sit in
    files: dict[str, int] = field(repr=False)  # path relative to root -> unpacked size
    title: str | None = None
    # width / height of the stage the launch page declares (its viewport meta with a width
    # and a height in pixels, as fixed-stage HTML5 exports write it); None: it fits any shape
    aspect: float | None = None

    @property
    def total_size(self) -> int:
        return sum(self.files.values())


def inspect_package(source: BinaryIO, limits: PackageLimits | None = None) -> PackageInfo:
    """Check a zip package; return what it is, or raise PackageRejected saying why."""
    limits = limits or PackageLimits()
    with open_zip(source) as archive:
        names = check_entries(archive, limits)
        root = _find_root(names)
        files = {
            n.removeprefix(root): archive.getinfo(n).file_size for n in names if n.startswith(root)
        }
        if MANIFEST in files:
            data = _read_small(archive, root + MANIFEST)
            info = _from_manifest(data, files, root)
        else:
            info = PackageInfo(standard="html", entry="index.html", root=root, files=files)
        if info.entry in files:
            info = replace(info, aspect=_launch_aspect(archive, root + info.entry))
        return info


def _launch_aspect(archive: zipfile.ZipFile, name: str) -> float | None:
    try:
        with archive.open(name) as page:
            head = page.read(MAX_LAUNCH_HEAD_BYTES)
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError):
        return None  # a corrupt launch page: unpacking it rejects the package, saying where
    return stage_aspect(head.decode("utf-8", "replace"))


# -- the stage's shape -----------------------------------------------------------------------

MAX_LAUNCH_HEAD_BYTES = 256 * 1024  # the viewport meta sits in the head
ASPECT_RANGE = (0.25, 4.0)  # anything narrower or wider is a mistake, not a stage


class _ViewportMeta(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.content: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "meta" and (found.get("name") or "").lower() == "viewport" and not self.content:
            self.content = found.get("content") or ""


def stage_aspect(html: str) -> float | None:
    """The width / height ratio of ``<meta name="viewport" content="width=800, height=450">``
    in a launch page (rounded to 4 places), or None when it gives no pixel width and height
    (``width=device-width``: the page fits whatever it is given) or an unlikely shape."""
    parser = _ViewportMeta()
    parser.feed(html)
    if not parser.content:
        return None
    sizes = dict(re.findall(r"(width|height)\s*=\s*([0-9]+(?:\.[0-9]+)?)\b(?![-\w])",
                            parser.content.lower()))  # fmt: skip
    try:
        width, height = float(sizes["width"]), float(sizes["height"])
    except (KeyError, ValueError):
        return None
    if not width or not height:
        return None
    ratio = width / height
    return round(ratio, 4) if ASPECT_RANGE[0] <= ratio <= ASPECT_RANGE[1] else None


def iter_files(source: BinaryIO, info: PackageInfo) -> Iterator[tuple[str, BinaryIO]]:
    """Yield (path relative to the root, readable stream) for each file of a checked package."""
    with open_zip(source) as archive:
        for path in sorted(info.files):
            with archive.open(info.root + path) as stream:
                yield path, CheckedStream(stream, path)


# -- entries ---------------------------------------------------------------------------------


def _find_root(names: list[str]) -> str:
    """ "" when the launch files sit at the top; "folder/" when everything is in one folder."""
    top = set(names)
    if MANIFEST in top or "index.html" in top:
        return ""
    folders = {n.split("/", 1)[0] for n in names}
    if len(folders) == 1 and all("/" in n for n in names):
        root = folders.pop() + "/"
        if root + MANIFEST in top or root + "index.html" in top:
            return root
    raise PackageRejected(
        "Không phải gói học liệu: không có {manifest} hay index.html ở thư mục gốc của tệp zip",
        manifest=MANIFEST,
    )


def _read_small(archive: zipfile.ZipFile, name: str) -> bytes:
    if archive.getinfo(name).file_size > MAX_MANIFEST_BYTES:
        raise PackageRejected(
            "{manifest} lớn hơn {max_manifest_bytes} byte",
            manifest=MANIFEST,
            max_manifest_bytes=MAX_MANIFEST_BYTES,
        )
    return archive.read(name)


# -- the manifest ----------------------------------------------------------------------------


def _from_manifest(data: bytes, files: dict[str, int], root: str) -> PackageInfo:
    manifest = _parse(data)
    resources = manifest.findall("{*}resources/{*}resource")
    if not resources:
        raise PackageRejected("{manifest} không liệt kê tài nguyên nào", manifest=MANIFEST)
    hrefs: dict[str, str] = {}
    for resource in resources:
        rid = resource.get("identifier", "?")
        for href in [resource.get("href"), *(f.get("href") for f in resource.findall("{*}file"))]:
            if href is None:
                continue
            path = _inside(href, rid)
            if path not in files:
                raise PackageRejected(
                    "Tài nguyên {rid}: tệp {href} không có trong gói",
                    rid=rid,
                    href=href,
                    entry=href,
                )
        if resource.get("href"):
            hrefs[rid] = _inside(resource.get("href", ""), rid)
    entry = _launch(manifest, hrefs)
    if entry is None:
        raise PackageRejected("{manifest} không chỉ ra tài nguyên nào để mở", manifest=MANIFEST)
    title = manifest.findtext("{*}organizations/{*}organization/{*}title")
    return PackageInfo(
        standard=_standard(manifest, data),
        entry=entry,
        root=root,
        files=files,
        title=title.strip() if title else None,
    )


def _parse(data: bytes) -> Element:
    try:
        manifest = fromstring(data, forbid_dtd=True)
    except ParseError as exc:
        line, column = exc.position
        raise PackageRejected(
            "{manifest} không phải XML đúng dạng (dòng {line}, cột {column})",
            manifest=MANIFEST,
            line=line,
            column=column,
            entry=MANIFEST,
        ) from None
    except DefusedXmlException:
        raise PackageRejected(
            "{manifest} dùng DTD hoặc thực thể (entity), điều không được phép",
            manifest=MANIFEST,
            entry=MANIFEST,
        ) from None
    if manifest.tag.rsplit("}", 1)[-1] != "manifest":
        raise PackageRejected(
            "{manifest} không bắt đầu bằng <manifest>", manifest=MANIFEST, entry=MANIFEST
        )
    return manifest


def _inside(href: str, resource_id: str) -> str:
    """The package path an href names; rejects hrefs that leave the package."""
    parts = urlsplit(href)
    path = unquote(parts.path)
    normal = posixpath.normpath(path) if path else ""
    if parts.scheme or parts.netloc or path.startswith("/") or normal.startswith(".."):
        raise PackageRejected(
            "Tài nguyên {resource_id}: đường dẫn {href} trỏ ra ngoài gói",
            resource_id=resource_id,
            href=href,
            entry=href,
        )
    return normal


def _launch(manifest: Element, hrefs: dict[str, str]) -> str | None:
    """The first organization item's resource (SCORM), else the first resource with an href."""
    organizations = manifest.find("{*}organizations")
    if organizations is not None:
        default = organizations.get("default")
        orgs = organizations.findall("{*}organization")
        org = next((o for o in orgs if o.get("identifier") == default), orgs[0] if orgs else None)
        if org is not None:
            for item in org.iter():
                ref = item.get("identifierref")
                if item.tag.endswith("item") and ref in hrefs:
                    return hrefs[ref]
    return next(iter(hrefs.values()), None)


def _standard(manifest: Element, data: bytes) -> Standard:
    version = (manifest.findtext("{*}metadata/{*}schemaversion") or "").strip().lower()
    if version == "1.2" or _ADLCP_12.encode() in data:
        return "scorm12"
    if version.startswith(("2004", "cam 1.3")) or _ADLCP_2004.encode() in data:
        return "scorm2004"
    return "imscp"
