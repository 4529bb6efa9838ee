"""Keeps the English catalogue in step with the code: every Vietnamese text in templates
(``_()``), every message an error is raised with (the first argument of each ``KholieuError``
subclass, of ``Invalid`` and of ``N_``) is a msgid of ``kholieu/locales/en/.../messages.po``.

    python scripts/messages.py                 extract, update the .po, list what lacks English
    python scripts/messages.py --fill F.json   also take English from F ({msgid: English})

tests/site/test_catalogue.py runs the same extraction and fails on a msgid without English.
"""

from __future__ import annotations

import ast
import json
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "kholieu"
PO = PACKAGE / "locales" / "en" / "LC_MESSAGES" / "messages.po"
METHODS = [("**.py", "python"), ("templates/**.html", "jinja2")]
OPTIONS = {"templates/**.html": {"extensions": "jinja2.ext.i18n"}}


def error_classes() -> set[str]:
    """The names of KholieuError and every class below it, found in the source (so that
    extraction needs no import of the app)."""
    names = {"KholieuError"}
    trees = [ast.parse(p.read_text(encoding="utf-8")) for p in PACKAGE.rglob("*.py")]
    grew = True
    while grew:
        grew = False
        for tree in trees:
            for node in ast.walk(tree):
                if (
                    isinstance(node, ast.ClassDef)
                    and node.name not in names
                    and any(isinstance(b, ast.Name) and b.id in names for b in node.bases)
                ):
                    names.add(node.name)
                    grew = True
    return names


def keywords() -> dict[str, object]:
    found: dict[str, object] = dict(DEFAULT_KEYWORDS)
    for name in error_classes() | {"Invalid", "N_", "Message", "FormatError"}:
        found[name] = None  # the first argument is the msgid
    return found


def extracted() -> dict[str, list[tuple[str, int]]]:
    """msgid → where it occurs."""
    found: dict[str, list[tuple[str, int]]] = {}
    for filename, lineno, message, _comments, _context in extract_from_dir(
        str(PACKAGE), METHODS, OPTIONS, keywords(), strip_comment_tags=True
    ):
        if isinstance(message, tuple):  # ngettext: singular and plural
            for one in message:
                if one:
                    found.setdefault(one, []).append((filename, lineno))
        elif message:
            found.setdefault(message, []).append((filename, lineno))
    return found


def read_catalogue() -> Catalog:
    with open(PO, "rb") as fh:
        return read_po(fh, locale="en")


def update(fill: dict[str, str]) -> list[str]:
    """The .po file holds exactly the extracted msgids (English kept, taken from ``fill``
    where missing); returns the msgids still without English."""
    old = read_catalogue()
    new = Catalog(locale="en", project="kholieu", fuzzy=False)
    for msgid, places in sorted(extracted().items()):
        kept = old.get(msgid)
        english = fill.get(msgid) or (kept.string if kept is not None and not kept.fuzzy else "")
        new.add(msgid, english, locations=places)
    with open(PO, "wb") as fh:
        write_po(fh, new, width=100, omit_header=False, sort_output=True)
    return [m.id for m in new if m.id and not m.string]


def main(argv: list[str]) -> int:
    fill: dict[str, str] = {}
    if len(argv) == 2 and argv[0] == "--fill":
        fill = json.loads(Path(argv[1]).read_text(encoding="utf-8"))
    missing = update(fill)
    for msgid in missing:
        print(f"no English: {msgid!r}")
    print(f"{PO.relative_to(ROOT)}: {len(missing)} msgid(s) without English")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
