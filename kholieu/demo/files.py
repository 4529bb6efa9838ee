"""Sample files for the demo catalogue: an HTML5 pendulum lab and a Vietnamese PDF."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from fpdf import FPDF

FONT_DIRS = [Path("/usr/share/fonts/truetype/dejavu"), Path("/usr/share/fonts/dejavu")]

LAB_HTML = """<!doctype html>
<html lang="vi"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>Con lắc đơn</title><link rel="stylesheet" href="css/lab.css"></head>
<body><h1>Con lắc đơn</h1>
<canvas id="scene" width="360" height="260"></canvas>
<label>Chiều dài dây: <input id="length" type="range" min="0.2" max="2" step="0.1" value="1">
<output id="length-value">1.0 m</output></label>
<p>Chu kì: <strong id="period"></strong> (T = 2π√(l/g))</p>
<script src="js/pendulum.js"></script></body></html>
"""

LAB_JS = """
const g = 9.81;
const canvas = document.getElementById("scene");
const ctx = canvas.getContext("2d");
const slider = document.getElementById("length");
let start = performance.now();
function period(l) { return 2 * Math.PI * Math.sqrt(l / g); }
function draw(now) {
  const l = Number(slider.value);
  const t = (now - start) / 1000;
  const angle = 0.4 * Math.cos(2 * Math.PI * t / period(l));
  const x = 180 + Math.sin(angle) * l * 110, y = 20 + Math.cos(angle) * l * 110;
  ctx.clearRect(0, 0, canvas.width, canvas.height);
  ctx.beginPath(); ctx.moveTo(180, 20); ctx.lineTo(x, y); ctx.stroke();
  ctx.beginPath(); ctx.arc(x, y, 12, 0, 2 * Math.PI); ctx.fill();
  document.getElementById("period").textContent = period(l).toFixed(2) + " s";
  document.getElementById("length-value").textContent = l.toFixed(1) + " m";
  requestAnimationFrame(draw);
}
requestAnimationFrame(draw);
"""


def pendulum_lab_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("con-lac/index.html", LAB_HTML)
        archive.writestr("con-lac/js/pendulum.js", LAB_JS)
        archive.writestr("con-lac/css/lab.css", "body{font-family:sans-serif;margin:1rem}")
    return buffer.getvalue()


def quadratic_pdf() -> bytes:
    """A two-page worksheet in Vietnamese (needs a font with Vietnamese glyphs: DejaVu)."""
    font = next((d for d in FONT_DIRS if (d / "DejaVuSans.ttf").is_file()), None)
    if font is None:
        raise FileNotFoundError("DejaVuSans.ttf not found: install fonts-dejavu-core")
    pdf = FPDF()
    pdf.add_font("DejaVu", "", str(font / "DejaVuSans.ttf"))
    pdf.add_font("DejaVu", "B", str(font / "DejaVuSans-Bold.ttf"))
    pdf.add_page()
    pdf.set_font("DejaVu", "B", 18)
    pdf.cell(0, 12, "Phiếu bài tập: Phương trình bậc hai", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", "", 12)
    for line in (
        "Môn Toán — Lớp 9",
        "Công thức nghiệm: Δ = b² − 4ac; nếu Δ ≥ 0 thì x = (−b ± √Δ) / 2a.",
        "Bài 1. Giải phương trình x² − 5x + 6 = 0.",
        "Bài 2. Tìm m để phương trình x² − 2x + m = 0 có nghiệm kép.",
    ):
        pdf.multi_cell(0, 8, line, new_x="LMARGIN", new_y="NEXT")
    pdf.add_page()
    pdf.multi_cell(0, 8, "Đáp án: Bài 1: x = 2 hoặc x = 3. Bài 2: m = 1.")
    return bytes(pdf.output())
