"""Rendering LaTeX with the vendored KaTeX under node, for tests that check what a page
would show: one node process for a whole batch."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

KATEX = Path(__file__).resolve().parents[2] / "static" / "vendor" / "katex" / "katex.min.js"

_SCRIPT = """
const katex = require(process.argv[1]);
let input = "";
process.stdin.on("data", (chunk) => (input += chunk));
process.stdin.on("end", () => {
  const out = JSON.parse(input).map((tex) => {
    try {
      return {mathml: katex.renderToString(tex, {output: "mathml", throwOnError: true,
                                                  strict: "ignore", displayMode: true})};
    } catch (e) {
      return {error: String(e.message || e)};
    }
  });
  process.stdout.write(JSON.stringify(out));
});
"""


def node() -> str | None:
    return shutil.which("node")


def render_mathml(formulas: list[str]) -> list[dict[str, str]]:
    """Each formula's MathML (``{"mathml": …}``) or KaTeX's error (``{"error": …}``)."""
    done = subprocess.run(
        [node() or "node", "-e", _SCRIPT, str(KATEX)],
        input=json.dumps(formulas),
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return json.loads(done.stdout)
