// SCORM runtime API for packages on the content origin (kholieu/content/origin.py injects this
// script into their HTML pages). It keeps the CMI data model in memory and posts it to the
// page that frames the package, which records it for the signed-in learner.
(() => {
  const cmi = {};
  let lastError = "0";
  const report = (version) => {
    window.parent.postMessage({ type: "kholieu-scorm", version, cmi: { ...cmi } }, "*");
  };
  const ok = () => { lastError = "0"; return "true"; };
  const get = (key) => { lastError = "0"; return key in cmi ? String(cmi[key]) : ""; };
  const set = (version, key, value) => {
    cmi[key] = String(value);
    if (/status|score/.test(key)) report(version);
    return ok();
  };
  const errors = { "0": "No error", "101": "General exception" };

  window.API = {  // SCORM 1.2
    LMSInitialize: () => { cmi["cmi.core.lesson_status"] ||= "not attempted"; return ok(); },
    LMSFinish: () => { report("1.2"); return ok(); },
    LMSGetValue: get,
    LMSSetValue: (key, value) => set("1.2", key, value),
    LMSCommit: () => { report("1.2"); return ok(); },
    LMSGetLastError: () => lastError,
    LMSGetErrorString: (code) => errors[code] || "",
    LMSGetDiagnostic: (code) => errors[code] || "",
  };
  window.API_1484_11 = {  // SCORM 2004
    Initialize: () => { cmi["cmi.completion_status"] ||= "unknown"; return ok(); },
    Terminate: () => { report("2004"); return ok(); },
    GetValue: get,
    SetValue: (key, value) => set("2004", key, value),
    Commit: () => { report("2004"); return ok(); },
    GetLastError: () => lastError,
    GetErrorString: (code) => errors[code] || "",
    GetDiagnostic: (code) => errors[code] || "",
  };
})();
