"""A small SCORM 1.2 package (for the demo and the tests): one question that reports its score
through the runtime API."""

from __future__ import annotations

import io
import zipfile

MANIFEST = """<?xml version="1.0" encoding="UTF-8"?>
<manifest identifier="kholieu-scorm-demo" version="1.0"
  xmlns="http://www.imsproject.org/xsd/imscp_rootv1p1p2"
  xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_rootv1p2">
  <metadata><schema>ADL SCORM</schema><schemaversion>1.2</schemaversion></metadata>
  <organizations default="org">
    <organization identifier="org"><title>Ôn tập phân số</title>
      <item identifier="item1" identifierref="sco1"><title>Bài kiểm tra nhanh</title></item>
    </organization>
  </organizations>
  <resources>
    <resource identifier="sco1" type="webcontent" adlcp:scormtype="sco" href="sco/index.html">
      <file href="sco/index.html"/><file href="sco/quiz.js"/>
    </resource>
  </resources>
</manifest>"""

PAGE = """<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>Phân số</title></head>
<body><h1>Ôn tập phân số</h1><p>1/2 + 1/4 = ?</p>
<button id="answer">3/4</button><p id="result">…</p><script src="quiz.js"></script></body></html>"""

SCRIPT = """
const api = window.API;
api.LMSInitialize("");
document.getElementById("answer").addEventListener("click", () => {
  api.LMSSetValue("cmi.core.score.max", "100");
  api.LMSSetValue("cmi.core.score.raw", "85");
  api.LMSSetValue("cmi.core.lesson_status", "passed");
  api.LMSCommit("");
  api.LMSFinish("");
  document.getElementById("result").textContent = "Đúng! " + api.LMSGetValue("cmi.core.score.raw");
});
"""


def scorm_12_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("imsmanifest.xml", MANIFEST)
        archive.writestr("sco/index.html", PAGE)
        archive.writestr("sco/quiz.js", SCRIPT)
    return buffer.getvalue()
