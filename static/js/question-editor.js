// The question editor: fields follow the type, the preview shows what the server will store
// (sanitised by /api/v1/questions/preview, then math typeset by KaTeX), save goes to the API.
(() => {
  const form = document.getElementById("question-form");
  if (!form) return;
  const msg = form.dataset;
  const data = JSON.parse(document.getElementById("question-data").textContent);
  const preview = document.querySelector("[data-testid=preview]");
  const errorBox = form.querySelector("[data-testid=editor-error]");
  const statusBox = form.querySelector("[data-testid=editor-status]");
  const optionRows = form.querySelector(".option-rows");
  const statementRows = form.querySelector(".statement-rows");
  const noKey = form.querySelector("[data-testid=editor-no-key]");
  const field = (name) => form.elements.namedItem(name);
  // Textareas hold text with line breaks; the bank holds HTML with <br>.
  const toText = (html) => (html || "").replace(/<br\s*\/?>/g, "\n");
  const toHtml = (text) => (text || "").replace(/\r?\n/g, "<br>");

  const letterOf = (i) => String.fromCharCode(65 + i);

  // An option: its letter (A, B, C…), its text, the "đúng" marker (a radio for single choice,
  // a checkbox for multiple response) and a remove button that asks first.
  function optionRow(text, checked) {
    const row = document.createElement("div");
    row.className = "option-row";
    row.dataset.testid = "option-row";
    row.innerHTML = `<span class="letter" aria-hidden="true"></span>
      <textarea rows="2" name="option"></textarea>
      <div class="option-tools">
        <label class="choice key"><input type="radio" name="key"> <span></span></label>
        <button type="button" class="button danger" data-remove></button>
      </div>`;
    row.querySelector(".key span").textContent = msg.msgCorrect;
    row.querySelector("[data-remove]").textContent = msg.msgRemove;
    row.querySelector("textarea").value = toText(text);
    row.querySelector("input").checked = checked;
    optionRows.appendChild(row);
  }

  // Letters, names and the marker's kind follow the rows' order and the question's type.
  function relabel() {
    const single = field("type").value !== "multiple_response";
    const rows = [...optionRows.children];
    // read the keys before the markers change kind (radios of one name uncheck each other)
    const keys = rows.map((row) => row.querySelector("input[name=key]").checked);
    const first = keys.indexOf(true);
    rows.forEach((row, i) => {
      const letter = letterOf(i);
      row.querySelector(".letter").textContent = letter;
      row.querySelector("textarea").setAttribute("aria-label", `${msg.msgOption} ${letter}`);
      const marker = row.querySelector("input[name=key]");
      marker.type = single ? "radio" : "checkbox";
      marker.setAttribute("aria-label", `${msg.msgOption} ${letter} ${msg.msgKey}`);
      const remove = row.querySelector("[data-remove]");
      remove.setAttribute("aria-label", `${msg.msgRemoveOption} ${letter}`);
      remove.dataset.letter = letter;
    });
    rows.forEach((row, i) => {
      row.querySelector("input[name=key]").checked = single ? i === first : keys[i];
    });
  }

  // A statement of the 2025 true/false type: its text and Đúng / Sai, one pair per statement.
  function statementRow(text, truth, index) {
    const row = document.createElement("div");
    row.className = "statement-row";
    const label = "abcd"[index];
    row.innerHTML = `<span class="letter" aria-hidden="true"></span><textarea rows="2" name="statement"></textarea>
      <div class="truth" role="radiogroup">
        <label class="choice"><input type="radio" value="true"> <span></span></label>
        <label class="choice"><input type="radio" value="false"> <span></span></label>
      </div>`;
    row.querySelector(".letter").textContent = `${label})`;
    row.querySelector("textarea").value = toText(text);
    row.querySelector("textarea").setAttribute("aria-label", `${msg.msgStatement} ${label}`);
    row.querySelector(".truth").setAttribute("aria-label", `${msg.msgStatement} ${label}`);
    const [yes, no] = row.querySelectorAll("input");
    [yes, no].forEach((radio) => { radio.name = `truth-${index}`; });
    const [yesText, noText] = row.querySelectorAll(".truth span");
    yesText.textContent = msg.msgTrue; noText.textContent = msg.msgFalse;
    // null: a draft still waiting for its key (imported without one) shows no choice made
    yes.checked = truth === true; no.checked = truth === false;
    statementRows.appendChild(row);
  }

  function load(q) {
    field("type").value = q.type;
    field("stem").value = toText(q.stem);
    field("explanation").value = toText(q.explanation);
    for (const name of ["subject", "grade", "level", "topic"]) field(name).value = q[name] ?? "";
    field("tags").value = (q.tags || []).join(", ");
    field("yccd_codes").value = (q.yccd_codes || []).join(", ");
    field("exposure").value = q.exposure || "exam";
    const keys = q.type === "multiple_response" ? q.answer || [] : [q.answer];
    (q.options || ["", "", "", ""]).forEach((o, i) => optionRow(o, keys.includes(i)));
    (q.statements || ["", "", "", ""]).forEach((s, i) =>
      statementRow(s, Array.isArray(q.answer) ? q.answer[i] === true : null, i));
    relabel();
    if (q.type === "short_answer") field("answer_text").value = q.answer ?? "";
  }

  function collect() {
    const type = field("type").value;
    const q = { type, stem: toHtml(field("stem").value) };
    const explanation = field("explanation").value.trim();
    if (explanation) q.explanation = toHtml(explanation);
    for (const name of ["subject", "level", "topic"]) if (field(name).value) q[name] = field(name).value;
    if (field("grade").value) q.grade = Number(field("grade").value);
    q.tags = field("tags").value.split(",").map((t) => t.trim()).filter(Boolean);
    // Outcome codes, typed comma-separated (the outcome picker, when loaded, writes the same).
    q.yccd_codes = field("yccd_codes").value.split(/[,;\s]+/).map((t) => t.trim()).filter(Boolean);
    q.exposure = field("exposure").value;
    if (type === "single_choice" || type === "multiple_response") {
      const rows = [...optionRows.children];
      q.options = rows.map((r) => toHtml(r.querySelector("textarea").value));
      const keys = rows.map((r, i) => (r.querySelector("input").checked ? i : -1)).filter((i) => i >= 0);
      q.answer = type === "single_choice" ? keys[0] ?? null : keys;
    } else if (type === "true_false_group") {
      const rows = [...statementRows.children];
      q.statements = rows.map((r) => toHtml(r.querySelector("textarea").value));
      const truths = rows.map((r) => r.querySelector(".truth input:checked")?.value ?? "");
      q.answer = truths.includes("") ? null : truths.map((t) => t === "true");
    } else if (type === "short_answer") {
      q.answer = field("answer_text").value;
    }
    if (data.status) q.status = data.status;
    if (data.external_id) q.external_id = data.external_id;
    return q;
  }

  function showFields() {
    const type = field("type").value;
    form.querySelectorAll("[data-for]").forEach((el) => {
      el.hidden = !el.dataset.for.split(" ").includes(type);
    });
  }

  async function api(method, url, body) {
    const response = await window.kholieuApi.send(method, url, body);
    return { ok: response.ok, body: await response.json() };
  }

  // Problems show only once the teacher has tried to save (a new, empty form shows none);
  // from then on they follow the text as it is corrected.
  let tried = false;
  const duplicate = form.querySelector("[data-testid=duplicate-warning]");
  const saveButton = form.querySelector("[data-testid=save-question]");

  function say(error) {
    errorBox.hidden = !error;
    errorBox.textContent = error || "";
  }

  // A refusal naming the outcome field (the catalogue lacks a code, or one is malformed) is
  // shown beside it too: the service's details name the field, a request check lists fields.
  const outcomeBox = form.querySelector("[data-field=yccd_codes]");
  function sayOutcome(error) {
    let note = outcomeBox.querySelector(".field-error");
    const details = error && error.details;
    const named = details && (details.field === "yccd_codes" ||
      (Array.isArray(details) && details.some((d) => String(d.field).includes("yccd_codes"))));
    if (!named) { if (note) note.remove(); return; }
    if (!note) {
      note = document.createElement("span");
      note.className = "field-error";
      note.setAttribute("role", "alert");
      note.dataset.testid = "yccd-error";
      outcomeBox.querySelector("label").appendChild(note);
    }
    note.textContent = error.message;
  }

  function render(html) {
    preview.replaceChildren();
    const add = (tag, inner, cls) => {
      const el = document.createElement(tag);
      if (cls) el.className = cls;
      el.innerHTML = inner; // sanitised by the server (nh3)
      preview.appendChild(el);
      return el;
    };
    add("div", html.stem, "stem");
    if (html.options.length) {
      const list = add("ol", "", "options");
      list.type = "A";
      html.options.forEach((o) => { const li = document.createElement("li"); li.innerHTML = o; list.appendChild(li); });
    }
    if (html.statements.length) {
      const list = add("ol", "", "options");
      list.type = "a";
      html.statements.forEach((s) => { const li = document.createElement("li"); li.innerHTML = s; list.appendChild(li); });
    }
    if (html.explanation) add("div", html.explanation, "explanation");
    window.typesetMath(preview);
  }

  // As the bank says (schemas.lacks_key): such a question saves only as a draft.
  const lacksKey = (q) => q.type !== "essay" &&
    (q.answer === null || q.answer === undefined || (Array.isArray(q.answer) && !q.answer.length) ||
     (typeof q.answer === "string" && !q.answer.trim()));

  let timer = null;
  function refresh() {
    clearTimeout(timer);
    timer = setTimeout(async () => {
      const { body } = await api("POST", "/api/v1/questions/preview", collect());
      render(body.html);
      if (tried) say(body.ok ? null : body.error);
      noKey.hidden = !lacksKey(collect());
    }, 250);
  }

  load(data);
  showFields();
  refresh();
  form.addEventListener("input", refresh);
  form.addEventListener("change", (e) => {
    if (e.target === field("type")) relabel();
    showFields(); refresh();
  });
  form.querySelector("[data-add-option]").addEventListener("click", () => { optionRow("", false); relabel(); refresh(); });
  optionRows.addEventListener("click", (e) => {
    const remove = e.target.closest("[data-remove]");
    if (!remove) return;
    if (!window.confirm(msg.msgConfirmRemove.replace("{letter}", remove.dataset.letter))) return;
    remove.closest(".option-row").remove();
    relabel(); refresh();
  });

  // Saving: a near duplicate of a question already in the bank is refused by the server
  // (409 duplicate_question); the teacher opens that one or saves this one anyway.
  async function save(duplicates) {
    tried = true;
    duplicate.hidden = true;
    saveButton.disabled = true;
    statusBox.textContent = msg.msgSaving;
    const id = form.dataset.id;
    const url = `${id ? `/api/v1/questions/${id}` : "/api/v1/questions"}?duplicates=${duplicates}`;
    let leaving = false;
    try {
      const { ok, body } = await api(id ? "PUT" : "POST", url, collect());
      statusBox.textContent = "";
      if (!ok && body.error.code === "duplicate_question") {
        duplicate.querySelector("[data-duplicate-message]").textContent = body.error.message;
        duplicate.querySelector("[data-duplicate-link]").href = body.error.details.url;
        duplicate.hidden = false;
        say(null);
        return;
      }
      sayOutcome(ok ? null : body.error);
      if (!ok) { say(body.error.message); refresh(); return; }
      say(null);
      statusBox.textContent = msg.msgSaved;
      if (!id) { leaving = true; window.location.assign(`/cau-hoi/${body.id}`); }
    } finally {
      saveButton.disabled = leaving; // a new question is saved once: no second click makes two
    }
  }
  form.addEventListener("submit", (e) => { e.preventDefault(); save("refuse"); });
  duplicate.querySelector("[data-save-anyway]").addEventListener("click", () => save("keep"));
  const remover = document.querySelector("[data-delete-question]");
  if (remover) {
    remover.addEventListener("click", async () => {
      if (!window.confirm(remover.dataset.confirm)) return;
      const response = await window.kholieuApi.send("DELETE", `/api/v1/questions/${form.dataset.id}`);
      if (response.ok) { window.location.assign("/cau-hoi"); return; }
      say((await response.json()).error.message);
    });
  }
  document.querySelectorAll("[data-status]").forEach((button) => {
    button.addEventListener("click", async () => {
      if (button.dataset.confirm && !window.confirm(button.dataset.confirm)) return;
      const { ok, body } = await api("POST", `/api/v1/questions/${form.dataset.id}/status`, { status: button.dataset.status });
      if (!ok) { say(body.error.message); return; }
      window.location.reload();
    });
  });
})();
