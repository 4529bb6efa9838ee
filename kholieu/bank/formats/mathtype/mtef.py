"""MTEF, MathType's equation format (v3 from Equation Editor 3.0, v4, v5 from MathType 5–7),
read into a small tree that ``latex.py`` writes out.

Only what the picture needs is kept: characters (with their typeface, font and
embellishments), lines, templates, piles and matrices. Size, colour, font and preference
records are read past (FONT_DEF and ENCODING_DEF are kept: a character written without an
MTCode is looked up in its font's encoding). The input is untrusted: every read is bounded,
nesting is limited, and anything that does not fit raises ``MTEFError``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

MAX_DEPTH = 48  # nested records (a line in a template in a line…); real equations use < 15
MAX_MTEF = 1 << 20  # one equation's bytes; real ones are a few kilobytes

# Record types (the same numbers in v3, v4 and v5; v3 has FONT where v5 has FONT_STYLE_DEF).
END, LINE, CHAR, TMPL, PILE, MATRIX, EMBELL, RULER, FONT_STYLE_DEF, SIZE = range(10)
FULL, SUB, SUB2, SYM, SUBSYM, COLOR, COLOR_DEF, FONT_DEF, EQN_PREFS, ENCODING_DEF = range(10, 20)
FUTURE = 100

NUDGE = 0x08  # option bit on LINE, CHAR, TMPL, PILE, MATRIX and EMBELL: nudge values follow


class MTEFError(ValueError):
    """The bytes are not an equation this reader understands."""


@dataclass
class Char:
    code: int | None  # MTCode (Unicode, plus MathType's private-use characters)
    typeface: int  # > 0 a style (1 text, 2 function, 3 variable…), < 0 an explicit font
    font_position: int | None = None  # the character's place in its font, when written
    font: str = ""  # the explicit font's name, when typeface < 0
    encoding: str = ""  # that font's encoding (Symbol, MTExtra…), when known
    function: bool = False  # MathType marked it as starting/in a function name (sin, log…)
    embellishments: list[int] = field(default_factory=list)


@dataclass
class Line:
    items: list[Node] = field(default_factory=list)
    null: bool = False  # a placeholder MathType does not show (an absent limit)


@dataclass
class Template:
    """A template in v5 numbering (v3 selectors and variations are translated on reading)."""

    selector: int
    variation: int
    options: int
    slots: list[Line | Pile | Matrix] = field(default_factory=list)
    chars: list[Char] = field(default_factory=list)  # the fence, operator or accent drawn


@dataclass
class Pile:
    halign: int  # 1 left, 2 centre, 3 right, 4 at relations, 5 at decimal points
    lines: list[Line | Pile | Matrix] = field(default_factory=list)


@dataclass
class Matrix:
    rows: int
    cols: int
    row_parts: list[int]  # rows + 1 lines between rows: 0 none, 1 solid, 2 dashed, 3 dotted
    col_parts: list[int]
    cells: list[Line | Pile | Matrix] = field(default_factory=list)


Node = Char | Template | Pile | Matrix | Line


@dataclass
class Equation:
    version: int
    root: Line


class _Reader:
    def __init__(self, data: bytes, version: int) -> None:
        self.data = data
        self.pos = 0
        self.version = version
        self.fonts: list[tuple[str, int]] = []  # FONT_DEF: (name, encoding index, 1-based)
        self.encodings: list[str] = []  # ENCODING_DEF names, 1-based after the built-in ones
        self.v3_fonts: dict[int, str] = {}  # v3 FONT: typeface → name

    def u8(self) -> int:
        if self.pos >= len(self.data):
            raise MTEFError("truncated")
        self.pos += 1
        return self.data[self.pos - 1]

    def u16(self) -> int:
        return self.u8() | (self.u8() << 8)

    def s16(self) -> int:
        value = self.u16()
        return value - 0x10000 if value >= 0x8000 else value

    def uint(self) -> int:
        """v5's unsigned integer: a byte, or 0xFF then 16 bits."""
        first = self.u8()
        return self.u16() if first == 0xFF and self.version >= 5 else first

    def skip(self, count: int) -> None:
        if count < 0 or self.pos + count > len(self.data):
            raise MTEFError("truncated")
        self.pos += count

    def cstring(self) -> str:
        end = self.data.find(b"\0", self.pos, self.pos + 256)
        if end < 0:
            raise MTEFError("unterminated name")
        text = self.data[self.pos : end].decode("latin-1")
        self.pos = end + 1
        return text

    def tag(self) -> tuple[int, int]:
        """The record type, and the options byte of the records that have one."""
        byte = self.u8()
        if self.version == 3:
            return byte & 0x0F, byte >> 4
        if byte in (LINE, CHAR, TMPL, PILE, MATRIX, EMBELL, COLOR_DEF):
            return byte, self.u8()
        return byte, 0

    def nudge(self, options: int) -> None:
        if options & NUDGE:
            dx, dy = self.u8(), self.u8()
            if dx == 128 and dy == 128:  # both large: two 16-bit offsets follow
                self.skip(4)

    def objects(self, depth: int) -> list[Node]:
        """Records up to the END that closes a list."""
        if depth > MAX_DEPTH:
            raise MTEFError("nested too deep")
        items: list[Node] = []
        while True:
            kind, options = self.tag()
            if kind == END:
                return items
            node = self.record(kind, options, depth)
            if node is not None:
                items.append(node)

    def record(self, kind: int, options: int, depth: int) -> Node | None:
        if kind == LINE:
            return self.line(options, depth)
        if kind == CHAR:
            return self.char(options, depth)
        if kind == TMPL:
            return self.template(options, depth)
        if kind == PILE:
            return self.pile(options, depth)
        if kind == MATRIX:
            return self.matrix(options, depth)
        if kind == EMBELL:
            self.nudge(options)
            embell = _Embell(self.u8())
            if self.version == 3 and self.data[self.pos : self.pos + 1] == b"\0":
                self.pos += 1  # Equation Editor ends each embellishment with an END of its own
            return embell
        self.setting(kind, options)
        return None

    def setting(self, kind: int, options: int) -> None:
        """Records that change how what follows looks, read past or kept for fonts."""
        if kind == RULER:
            self.ruler()
        elif kind == FONT_STYLE_DEF:
            if self.version == 3:  # v3 FONT: typeface, style, name
                face = self.u8() - 128
                self.u8()
                self.v3_fonts[face] = self.cstring()
            else:
                self.uint()
                self.u8()
        elif kind == SIZE:
            first = self.u8()
            if first == 101:
                self.u16()
            elif first == 100:
                self.u8()
                self.u16()
            else:
                self.u8()
        elif FULL <= kind <= SUBSYM:
            pass
        elif kind == COLOR and self.version >= 4:
            self.uint()
        elif kind == COLOR_DEF and self.version >= 4:
            self.skip(8 if options & 0x01 else 6)
            if options & 0x04:
                self.cstring()
        elif kind == FONT_DEF and self.version >= 4:
            encoding = self.uint()
            self.fonts.append((self.cstring(), encoding))
        elif kind == EQN_PREFS and self.version >= 4:
            self.u8()
            self.dimensions(self.uint())
            self.dimensions(self.uint())
            for _ in range(self.uint()):
                if self.u8():
                    self.u8()
        elif kind == ENCODING_DEF and self.version >= 4:
            self.encodings.append(self.cstring())
        elif kind >= FUTURE and self.version >= 4:
            self.skip(self.uint())
        else:
            raise MTEFError(f"unknown record {kind}")

    def dimensions(self, count: int) -> None:
        """An EQN_PREFS array of nibble-coded dimensions (unit, digits…, 0xF), read past."""
        if count > 255:
            raise MTEFError("too many dimensions")
        high = True
        byte = 0
        for _ in range(count):
            ends = 0
            while ends < 1:
                if high:
                    byte = self.u8()
                    nibble = byte >> 4
                else:
                    nibble = byte & 0x0F
                high = not high
                if nibble == 0x0F:
                    ends += 1

    def ruler(self) -> None:
        for _ in range(self.u8()):
            self.u8()
            self.u16()

    def line(self, options: int, depth: int) -> Line:
        self.nudge(options)
        if options & 0x04:
            self.u16()
        if options & 0x02:
            self.ruled()
        if options & 0x01:
            return Line(null=True)
        return Line(self.slot_items(depth))

    def ruled(self) -> None:
        """The ruler (tab stops) of a LINE or PILE: MathType writes it without a tag of its
        own, although the specification shows one (seen in MathType 6's files)."""
        self.ruler()

    def slot_items(self, depth: int) -> list[Node]:
        return [n for n in self.objects(depth + 1) if not isinstance(n, _Embell)]

    def char(self, options: int, depth: int) -> Char:
        self.nudge(options)
        typeface = self.u8() - 128
        char = Char(code=None, typeface=typeface)
        if self.version == 3:
            char.code = self.u16()
            char.function = bool(options & 0x01)
            embellished = bool(options & 0x02)
        else:
            if not options & 0x20:
                char.code = self.u16()
            if options & 0x04:
                char.font_position = self.u8()
            elif options & 0x10:
                char.font_position = self.u16()
            char.function = bool(options & 0x02)
            embellished = bool(options & 0x01)
        if typeface < 0:
            self.name_font(char)
        if embellished:
            char.embellishments = [
                n.code for n in self.objects(depth + 1) if isinstance(n, _Embell)
            ]
        return char

    def name_font(self, char: Char) -> None:
        index = -char.typeface - 1
        if self.version == 3:
            char.font = self.v3_fonts.get(char.typeface, "")
        elif 0 <= index < len(self.fonts):
            char.font, encoding = self.fonts[index]
            char.encoding = _encoding_name(encoding, self.encodings)

    def template(self, options: int, depth: int) -> Template:
        self.nudge(options)
        selector = self.u8()
        variation = self.u8()
        if self.version >= 5 and variation & 0x80:
            variation = (variation & 0x7F) | (self.u8() << 8)
        tmpl_options = self.u8()
        if self.version == 3:
            selector, variation = _from_v3(selector, variation)
        template = Template(selector, variation, tmpl_options)
        for node in self.objects(depth + 1):
            if isinstance(node, Char):
                template.chars.append(node)
            elif isinstance(node, (Line, Pile, Matrix)):
                template.slots.append(node)
        return template

    def pile(self, options: int, depth: int) -> Pile:
        self.nudge(options)
        halign = self.u8()
        self.u8()  # valign
        if options & 0x02:
            self.ruled()
        return Pile(halign, self.parts(depth))

    def parts(self, depth: int) -> list[Line | Pile | Matrix]:
        return [n for n in self.objects(depth + 1) if isinstance(n, (Line, Pile, Matrix))]

    def matrix(self, options: int, depth: int) -> Matrix:
        self.nudge(options)
        self.u8()  # valign
        self.u8()  # h_just
        self.u8()  # v_just
        rows, cols = self.u8(), self.u8()
        row_parts = self.partitions(rows + 1)
        col_parts = self.partitions(cols + 1)
        return Matrix(rows, cols, row_parts, col_parts, self.parts(depth))

    def partitions(self, count: int) -> list[int]:
        """``count`` two-bit line styles, packed four to a byte from the low bits."""
        packed = bytes(self.u8() for _ in range((count * 2 + 7) // 8))
        return [(packed[i // 4] >> (2 * (i % 4))) & 3 for i in range(count)]


@dataclass
class _Embell:
    code: int


BUILTIN_ENCODINGS = ["", "MTCode", "Unknown", "Symbol", "MTExtra", "WinAllBasicCodePages"]


def _encoding_name(index: int, defined: list[str]) -> str:
    if 0 < index < len(BUILTIN_ENCODINGS):
        return BUILTIN_ENCODINGS[index]
    extra = index - len(BUILTIN_ENCODINGS)
    return defined[extra] if 0 <= extra < len(defined) else ""


def parse(data: bytes) -> Equation:
    """MTEF bytes (from the header on) to a tree."""
    if len(data) > MAX_MTEF:
        raise MTEFError("too large")
    if len(data) < 6:
        raise MTEFError("truncated")
    version = data[0]
    if version not in (3, 4, 5):
        raise MTEFError(f"MTEF version {version} is not supported")
    reader = _Reader(data, version)
    reader.skip(5)  # version, platform, product, product version and subversion
    if version == 5:
        reader.cstring()  # application key ("DSMT6")
        reader.u8()  # equation options (inline or display)
    items = reader.objects(0)
    lines = [n for n in items if isinstance(n, (Line, Pile, Matrix))]
    if not lines:
        raise MTEFError("no equation in the stream")
    root = lines[0] if len(lines) == 1 and isinstance(lines[0], Line) else Line(list(lines))
    return Equation(version, root)


# Equation Editor 3.0 numbers its templates differently; each maps to v5's (selector,
# variation bits). Fences: 1 left only, 2 right only, else both. Big operators: limits
# present and their position (0x40: under/over like a sum).
LOWER, UPPER, SUMSTYLE = 0x10, 0x20, 0x40


def _from_v3(selector: int, variation: int) -> tuple[int, int]:
    if selector <= 7:  # fences keep their numbers
        return selector, {1: 1, 2: 2}.get(variation, 3)
    if selector <= 12:  # unmatched brackets: [[, ]], ][, [), (]
        left, right = [(2, 0x20), (3, 0x30), (3, 0x20), (2, 0x10), (0, 0x30)][selector - 8]
        return 9, left | right
    if selector == 13:
        return 10, variation & 1
    if selector == 14:
        return 11, 1 if variation == 1 else 0
    if selector in (15, 44):  # scripts: 0 sup, 1 sub, 2 both; 44 is the left (pre-) script
        precedes = 1 if selector == 44 else 0
        return {0: 28, 1: 27}.get(variation, 29), precedes
    if selector in (16, 17):
        return selector - 4, variation & 1
    if selector in (18, 19, 20):  # left, right, both-way arrows; 0 text above, 1 below
        direction = {18: 0x10, 19: 0x20, 20: 0x30}[selector]
        return 14, direction | (0x08 if variation == 1 else 0x04)
    if 21 <= selector <= 26:  # single, double, triple integrals; 24–26 with limits under/over
        signs = (selector - 21) % 3 + 1
        limits = [0, LOWER, LOWER | UPPER, 0, LOWER][variation] if variation <= 4 else 0
        loop = 0x04 if variation >= 3 and selector <= 23 else 0
        style = SUMSTYLE if selector >= 24 else 0
        if selector >= 24:
            limits = LOWER | (UPPER if selector == 24 and variation == 0 else 0)
        return 15, signs | loop | limits | style
    if selector in (27, 28):
        return 24, 1 if selector == 27 else 0
    if 29 <= selector <= 38:  # sum, product, coproduct, union, intersection; odd under/over
        v5 = 16 + (selector - 29) // 2
        if (selector - 29) % 2 == 0:
            limits = [LOWER, LOWER | UPPER, 0][variation] if variation <= 2 else 0
            return v5, limits | SUMSTYLE
        return v5, [LOWER, LOWER | UPPER][variation & 1]
    if selector == 39:
        return 23, [UPPER, LOWER, LOWER | UPPER][variation] if variation <= 2 else LOWER
    if selector == 40:
        return 26, 1
    if selector == 41:
        return 11, [2, 2 | 4, 2 | 1][variation] if variation <= 2 else 2
    if selector == 42:
        return 21, [LOWER, UPPER, LOWER | UPPER][variation] if variation <= 2 else 0
    if selector == 43:
        return 22, SUMSTYLE | ([LOWER, UPPER, LOWER | UPPER][variation] if variation <= 2 else 0)
    if selector == 45:
        return 30, {1: 1, 2: 2}.get(variation, 3)
    if selector in (46, 47):  # arrow under (46) or over (47): 0 left, 1 right, 2 both
        under = 0x04 if selector == 46 else 0
        return 31, under | {0: 1, 1: 2}.get(variation, 3)
    if selector == 48:
        return 37, 0x1E
    raise MTEFError(f"unknown Equation Editor template {selector}")
