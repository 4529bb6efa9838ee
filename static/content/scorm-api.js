// SCORM runtime API for packages on the content origin (kholieu/content/origin.py injects this
// script into their HTML pages). It keeps the CMI data model in memory and posts it to the
// page that frames the package, which records it for the signed-in learner.
//
// Where a lesson resumes from: the content page names the frame "kholieu-scorm:{json}" with
// the learner's own stored state (their location, suspend data, status, score, id, name and
// entry), so it is there, synchronously, before the package's first script runs; nothing is
// fetched across the sandbox. A visitor's frame has no such name and starts empty.
(() => {
  const PREFIX = "kholieu-scorm:";
  let launch = { version: null, cmi: {} };
  if (typeof window.name === "string" && window.name.startsWith(PREFIX)) {
    try {
      const parsed = JSON.parse(window.name.slice(PREFIX.length));
      if (parsed && typeof parsed.cmi === "object") launch = parsed;
    } catch (error) { /* not ours: start empty */ }
  }

  // Read-only and write-only elements (SCORM 1.2 RTE 3.4; SCORM 2004 RTE 4.2), and the error
  // codes each edition gives for them.
  const MODELS = {
    "1.2": {
      readOnly: /^cmi\.(core\.(student_id|student_name|credit|entry|total_time|lesson_mode)|launch_data|comments_from_lms|student_data\..*|_version)$|\._(children|count)$/,
      writeOnly: /^cmi\.(core\.(exit|session_time)|interactions\.\d+\.(id|time|type|weighting|student_response|result|latency|objectives\.\d+\.id|correct_responses\.\d+\.pattern))$/,
      errors: { notInitialized: "301", readOnly: "403", writeOnly: "404", undefined: "401",
                setNotInitialized: "301", commitNotInitialized: "301", finished: "101", notSet: "0" },
      initial: { "cmi._version": "3.4", "cmi.core.lesson_status": "not attempted",
                 "cmi.core.entry": "ab-initio", "cmi.core.credit": "credit",
                 "cmi.core.lesson_mode": "normal", "cmi.core.total_time": "0000:00:00.00" },
    },
    "2004": {
      readOnly: /^(cmi\.(_version|completion_threshold|credit|entry|launch_data|learner_id|learner_name|max_time_allowed|mode|scaled_passing_score|time_limit_action|total_time|comments_from_lms\..*)|adl\.nav\.request_valid\..*)$|\._(children|count)$/,
      writeOnly: /^cmi\.(exit|session_time)$/,
      errors: { notInitialized: "122", readOnly: "404", writeOnly: "405", undefined: "401",
                setNotInitialized: "132", commitNotInitialized: "142", finished: "123",
                setFinished: "133", notSet: "403" },
      initial: { "cmi._version": "1.0", "cmi.completion_status": "unknown",
                 "cmi.success_status": "unknown", "cmi.entry": "ab-initio",
                 "cmi.credit": "credit", "cmi.mode": "normal", "cmi.total_time": "PT0S" },
    },
  };
  const MESSAGES = {
    "0": "No error", "101": "General exception", "122": "Retrieve Data Before Initialization",
    "123": "Retrieve Data After Termination", "132": "Store Data Before Initialization",
    "133": "Store Data After Termination", "142": "Commit Before Initialization",
    "201": "Invalid argument error", "301": "Not initialized",
    "401": "Undefined data model element", "403": "Element is read only / value not initialized",
    "404": "Element is write only / read only", "405": "Incorrect data type / write only",
  };

  function runtime(version) {
    const model = MODELS[version];
    const own = launch.version === version ? launch.cmi : {};
    const cmi = { ...model.initial, ...own };
    let state = "new"; // new, running, finished
    let lastError = "0";
    const fail = (code, value) => { lastError = code; return value; };
    // Only what the package wrote goes to the server: the read-only launch values are the
    // server's to give, never the package's to store.
    const written = () => {
      const out = {};
      for (const [key, value] of Object.entries(cmi)) {
        if (!model.readOnly.test(key)) out[key] = value;
      }
      return out;
    };
    const report = () => {
      const data = written();
      // A page change inside the package carries the state on (the frame keeps its name).
      try { window.name = PREFIX + JSON.stringify({ version, cmi: { ...cmi } }); } catch (e) { /* full */ }
      window.parent.postMessage({ type: "kholieu-scorm", version, cmi: data }, "*");
    };
    return {
      start() {
        if (state === "running") return fail(version === "2004" ? "103" : "101", "false");
        if (state === "finished" && version === "2004") return fail("104", "false");
        state = "running";
        lastError = "0";
        return "true";
      },
      finish() {
        if (state !== "running") return fail(version === "2004" ? (state === "new" ? "112" : "113") : "301", "false");
        report();
        state = "finished";
        lastError = "0";
        return "true";
      },
      get(key) {
        key = String(key || "");
        if (state === "new") return fail(model.errors.notInitialized, "");
        if (state === "finished") return fail(model.errors.finished, "");
        if (!key) return fail("201", "");
        if (!/^(cmi|adl)\./.test(key)) return fail(model.errors.undefined, "");
        if (model.writeOnly.test(key)) return fail(model.errors.writeOnly, "");
        if (!(key in cmi)) return fail(model.errors.notSet, "");
        lastError = "0";
        return String(cmi[key]);
      },
      set(key, value) {
        key = String(key || "");
        if (state === "new") return fail(model.errors.setNotInitialized, "false");
        if (state === "finished") return fail(model.errors.setFinished || "101", "false");
        if (!key) return fail(version === "2004" ? "351" : "201", "false");
        if (!/^(cmi|adl)\./.test(key)) return fail(model.errors.undefined, "false");
        if (model.readOnly.test(key)) return fail(model.errors.readOnly, "false");
        cmi[key] = String(value);
        if (/status|score/.test(key)) report();
        lastError = "0";
        return "true";
      },
      commit() {
        if (state !== "running") return fail(state === "new" ? model.errors.commitNotInitialized : (version === "2004" ? "143" : "101"), "false");
        report();
        lastError = "0";
        return "true";
      },
      error: () => lastError,
    };
  }

  const v12 = runtime("1.2");
  const v2004 = runtime("2004");
  const text = (code) => MESSAGES[String(code)] || "";
  window.API = {  // SCORM 1.2
    LMSInitialize: () => v12.start(),
    LMSFinish: () => v12.finish(),
    LMSGetValue: (key) => v12.get(key),
    LMSSetValue: (key, value) => v12.set(key, value),
    LMSCommit: () => v12.commit(),
    LMSGetLastError: () => v12.error(),
    LMSGetErrorString: text,
    LMSGetDiagnostic: text,
  };
  window.API_1484_11 = {  // SCORM 2004
    Initialize: () => v2004.start(),
    Terminate: () => v2004.finish(),
    GetValue: (key) => v2004.get(key),
    SetValue: (key, value) => v2004.set(key, value),
    Commit: () => v2004.commit(),
    GetLastError: () => v2004.error(),
    GetErrorString: text,
    GetDiagnostic: text,
  };
})();
