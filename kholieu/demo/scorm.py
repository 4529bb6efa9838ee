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
  document.getElementById("result").textContent = "Đúng! " + api.LMSGetValue("cmi.core.score.raw");
  api.LMSFinish("");
});
"""


def scorm_12_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("imsmanifest.xml", MANIFEST)
        archive.writestr("sco/index.html", PAGE)
        archive.writestr("sco/quiz.js", SCRIPT)
    return buffer.getvalue()


MANIFEST_2004 = """<?xml version="1.0" encoding="UTF-8"?>
<manifest identifier="kholieu-scorm-bookmark" version="1.0"
  xmlns="http://www.imsglobal.org/xsd/imscp_v1p1"
  xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_v1p3">
  <metadata><schema>ADL SCORM</schema><schemaversion>2004 4th Edition</schemaversion></metadata>
  <organizations default="org">
    <organization identifier="org"><title>Đọc tiếp</title>
      <item identifier="item1" identifierref="sco1"><title>Bài đọc</title></item>
    </organization>
  </organizations>
  <resources>
    <resource identifier="sco1" type="webcontent" adlcp:scormType="sco" href="sco/index.html">
      <file href="sco/index.html"/><file href="sco/lesson.js"/>
    </resource>
  </resources>
</manifest>"""

BOOKMARK_PAGE = """<!doctype html><html lang="vi"><head><meta charset="utf-8">
<title>Đọc tiếp</title></head><body><h1>Bài đọc</h1>
<p>Vị trí: <span id="location"></span></p><p>Dữ liệu: <span id="suspend"></span></p>
<p>Bắt đầu: <span id="entry"></span></p><p>Học sinh: <span id="learner"></span></p>
<p>Chỉ đọc: <span id="readonly"></span></p>
<button id="save">Đọc đến trang 3</button><p id="saved"></p>
<script src="lesson.js"></script></body></html>"""

# Names per edition: location, entry, exit, learner name, status (value).
NAMES = {
    "1.2": ("API", "LMS", "cmi.core.lesson_location", "cmi.core.entry", "cmi.core.exit",
            "cmi.core.student_name", ("cmi.core.lesson_status", "incomplete")),
    "2004": ("API_1484_11", "", "cmi.location", "cmi.entry", "cmi.exit", "cmi.learner_name",
             ("cmi.completion_status", "incomplete")),
}  # fmt: skip

BOOKMARK_SCRIPT = """
const api = window.{api};
const call = (name, ...args) => api["{prefix}" + name](...args);
call("Initialize", "");
const show = (id, text) => {{ document.getElementById(id).textContent = text; }};
show("location", call("GetValue", "{location}"));
show("suspend", call("GetValue", "cmi.suspend_data"));
show("entry", call("GetValue", "{entry}"));
show("learner", call("GetValue", "{learner}"));
const refused = call("SetValue", "{entry}", "resume");
show("readonly", refused + "/" + call("GetLastError"));
document.getElementById("save").addEventListener("click", () => {{
  call("SetValue", "{location}", "trang-3");
  call("SetValue", "cmi.suspend_data", '{{"trang":[1,2,3]}}');
  call("SetValue", "{status}", "{status_value}");
  call("SetValue", "{exit}", "suspend");
  call("Commit", "");
  call("{finish}", "");
  show("saved", "Đã lưu");
}});
"""


def bookmark_zip(version: str = "1.2") -> bytes:
    """A lesson that shows where it resumes (location, suspend data, entry, the learner's name,
    what setting a read-only element answers) and, on a click, saves "page 3" and suspends."""
    api, prefix, location, entry, exit_, learner, (status, value) = NAMES[version]
    script = BOOKMARK_SCRIPT.format(
        api=api, prefix=prefix, location=location, entry=entry, exit=exit_, learner=learner,
        status=status, status_value=value, finish="Finish" if prefix else "Terminate",
    )  # fmt: skip
    manifest = MANIFEST.replace("quiz.js", "lesson.js") if version == "1.2" else MANIFEST_2004
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("imsmanifest.xml", manifest)
        archive.writestr("sco/index.html", BOOKMARK_PAGE)
        archive.writestr("sco/lesson.js", script)
    return buffer.getvalue()
