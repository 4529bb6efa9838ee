"""Checks uploaded zip packages (HTML5 labs and lectures, SCORM 1.2/2004, IMS content packages)
before anything from them is stored, and finds the file to launch.

Every entry is checked up front: no paths that escape the package (``..``, absolute, drive
letters, backslashes), no symbolic links, no encrypted entries, no duplicates, and limits on
entry count, total unpacked size and per-entry compression ratio (zip bombs). ``zipfile`` never
returns more bytes than an entry's header declares (and checks the CRC at its end), so the size
limits hold even against headers that lie. The manifest is parsed with defusedxml: no entities,
no external references.
"""

from __future__ import annotations

import posixpath
import re
import stat
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import BinaryIO, Literal
from urllib.parse import unquote, urlsplit
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from kholieu.errors import ValidationFailed

MANIFEST = "imsmanifest.xml"
MAX_MANIFEST_BYTES = 4 * 1024 * 1024
RATIO_FLOOR = 1024 * 1024  # small entries (text, JSON) compress very well and are harmless
_DRIVE = re.compile(r"^[A-Za-z]:")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_ADLCP_12 = "http://www.adlnet.org/xsd/adlcp_rootv1p2"
_ADLCP_2004 = "http://www.adlnet.org/xsd/adlcp_v1p3"

Standard = Literal["html", "scorm12", "scorm2004", "imscp"]


class PackageRejected(ValidationFailed):
    code = "package_rejected"

    def __init__(self, message: str, *, entry: str | None = None) -> None:
        super().__init__(message, details={"entry": entry} if entry else None)


@dataclass(frozen=True)
class PackageLimits:
    max_total_bytes: int = 2 * 1024**3
    max_entries: int = 10_000
    max_ratio: int = 100


@dataclass(frozen=True)
class PackageInfo:
    standard: Standard
    entry: str  # the file to launch, relative to the package root
    root: str  # "" or the single top-level folder ("lab/") the files sit in
    files: dict[str, int] = field(repr=False)  # path relative to root -> unpacked size
    title: str | None = None

    @property
    def total_size(self) -> int:
        return sum(self.files.values())


def inspect_package(source: BinaryIO, limits: PackageLimits | None = None) -> PackageInfo:
    """Check a zip package; return what it is, or raise PackageRejected saying why."""
    limits = limits or PackageLimits()
    with _open(source) as archive:
        names = _check_entries(archive, limits)
        root = _find_root(names)
        files = {
            n.removeprefix(root): archive.getinfo(n).file_size for n in names if n.startswith(root)
        }
        if MANIFEST in files:
            data = _read_small(archive, root + MANIFEST)
            return _from_manifest(data, files, root)
        return PackageInfo(standard="html", entry="index.html", root=root, files=files)


def open_checked(
    source: BinaryIO, limits: PackageLimits | None = None
) -> tuple[zipfile.ZipFile, list[str]]:
    """A zip whose every entry passed the checks above, and its file names (for office files
    and question packages, which are zips too)."""
    archive = _open(source)
    try:
        return archive, _check_entries(archive, limits or PackageLimits())
    except PackageRejected:
        archive.close()
        raise


def iter_files(source: BinaryIO, info: PackageInfo) -> Iterator[tuple[str, BinaryIO]]:
    """Yield (path relative to the root, readable stream) for each file of a checked package."""
    with _open(source) as archive:
        for path in sorted(info.files):
            with archive.open(info.root + path) as stream:
                yield path, _Checked(stream, path)


class _Checked:
    """A zip entry stream whose corruption (CRC or size mismatch) becomes PackageRejected."""

    def __init__(self, stream: BinaryIO, path: str) -> None:
        self._stream = stream
        self._path = path

    def read(self, size: int = -1) -> bytes:
        try:
            return self._stream.read(size)
        except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
            raise PackageRejected(
                f"entry {self._path} is corrupt: {exc}", entry=self._path
            ) from None


# -- entries ---------------------------------------------------------------------------------


def _open(source: BinaryIO) -> zipfile.ZipFile:
    try:
        source.seek(0)
        return zipfile.ZipFile(source)
    except (zipfile.BadZipFile, EOFError, ValueError):
        raise PackageRejected("the file is not a zip archive, or it is truncated") from None


def _check_entries(archive: zipfile.ZipFile, limits: PackageLimits) -> list[str]:
    """Return the names of the regular files; reject anything unsafe."""
    entries = archive.infolist()
    if len(entries) > limits.max_entries:
        raise PackageRejected(
            f"the package has {len(entries)} entries; at most {limits.max_entries} are allowed"
        )
    seen: set[str] = set()
    names, total = [], 0
    for info in entries:
        name = info.filename
        _check_name(name)
        if info.flag_bits & 0x1:
            raise PackageRejected(f"entry {name} is encrypted", entry=name)
        if stat.S_ISLNK(info.external_attr >> 16):
            raise PackageRejected(f"entry {name} is a symbolic link", entry=name)
        folded = name.rstrip("/").casefold()
        if folded in seen:
            raise PackageRejected(f"entry {name} appears twice in the package", entry=name)
        seen.add(folded)
        if info.is_dir():
            continue
        total += info.file_size
        if total > limits.max_total_bytes:
            raise PackageRejected(
                f"the package unpacks to more than {limits.max_total_bytes} bytes"
            )
        if info.file_size > RATIO_FLOOR and (
            info.compress_size == 0 or info.file_size / info.compress_size > limits.max_ratio
        ):
            ratio = info.file_size // max(info.compress_size, 1)
            raise PackageRejected(
                f"entry {name} expands {ratio} times (more than {limits.max_ratio}): "
                "refused as a possible zip bomb",
                entry=name,
            )
        names.append(name)
    return names


def _check_name(name: str) -> None:
    if name.startswith("/") or "\\" in name or _DRIVE.match(name):
        raise PackageRejected(f"entry {name} has an absolute path", entry=name)
    if _CONTROL.search(name):
        raise PackageRejected(f"entry {name!r} has control characters in its name", entry=name)
    if ".." in name.rstrip("/").split("/"):
        raise PackageRejected(f"entry {name} escapes the package", entry=name)


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
        f"not a content package: no {MANIFEST} or index.html at the top of the zip"
    )


def _read_small(archive: zipfile.ZipFile, name: str) -> bytes:
    if archive.getinfo(name).file_size > MAX_MANIFEST_BYTES:
        raise PackageRejected(f"{MANIFEST} is larger than {MAX_MANIFEST_BYTES} bytes")
    return archive.read(name)


# -- the manifest ----------------------------------------------------------------------------


def _from_manifest(data: bytes, files: dict[str, int], root: str) -> PackageInfo:
    manifest = _parse(data)
    resources = manifest.findall("{*}resources/{*}resource")
    if not resources:
        raise PackageRejected(f"{MANIFEST} lists no resources")
    hrefs: dict[str, str] = {}
    for resource in resources:
        rid = resource.get("identifier", "?")
        for href in [resource.get("href"), *(f.get("href") for f in resource.findall("{*}file"))]:
            if href is None:
                continue
            path = _inside(href, rid)
            if path not in files:
                raise PackageRejected(
                    f"resource {rid}: file {href} is not in the package", entry=href
                )
        if resource.get("href"):
            hrefs[rid] = _inside(resource.get("href", ""), rid)
    entry = _launch(manifest, hrefs)
    if entry is None:
        raise PackageRejected(f"{MANIFEST} names no resource to launch")
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
            f"{MANIFEST} is not well-formed XML (line {line}, column {column})", entry=MANIFEST
        ) from None
    except DefusedXmlException:
        raise PackageRejected(
            f"{MANIFEST} uses a DTD or entities, which are not allowed", entry=MANIFEST
        ) from None
    if manifest.tag.rsplit("}", 1)[-1] != "manifest":
        raise PackageRejected(f"{MANIFEST} does not start with <manifest>", entry=MANIFEST)
    return manifest


def _inside(href: str, resource_id: str) -> str:
    """The package path an href names; rejects hrefs that leave the package."""
    parts = urlsplit(href)
    path = unquote(parts.path)
    normal = posixpath.normpath(path) if path else ""
    if parts.scheme or parts.netloc or path.startswith("/") or normal.startswith(".."):
        raise PackageRejected(
            f"resource {resource_id}: href {href} points outside the package", entry=href
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
