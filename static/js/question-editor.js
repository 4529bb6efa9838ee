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

  function optionRow(text, checked) {
    const row = document.createElement("div");
    row.className = "option-row";
    const letter = String.fromCharCode(65 + optionRows.children.length);
    row.innerHTML = `<label class="key"><input type="checkbox" name="key"> <span></span></label>
      <textarea rows="2" name="option"></textarea>
      <button type="button" class="link" data-remove></button>`;
    row.querySelector("span").textContent = `${letter} · ${msg.msgKey}`;
    row.querySelector("[data-remove]").textContent = msg.msgRemove;
    row.querySelector("textarea").value = toText(text);
    row.querySelector("textarea").setAttribute("aria-label", `${msg.msgOption} ${letter}`);
    row.querySelector("input").checked = checked;
    optionRows.appendChild(row);
  }

  function statementRow(text, truth, index) {
    const row = document.createElement("div");
    row.className = "option-row";
    const label = "abcd"[index];
    row.innerHTML = `<span></span><textarea rows="2" name="statement"></textarea>
      <select name="truth"><option value=""></option><option value="true"></option><option value="false"></option></select>`;
    row.querySelector("span").textContent = `${label})`;
    row.querySelector("textarea").value = toText(text);
    row.querySelector("textarea").setAttribute("aria-label", `${msg.msgStatement} ${label}`);
    const [unset, yes, no] = row.querySelectorAll("option");
    unset.textContent = "—"; yes.textContent = msg.msgTrue; no.textContent = msg.msgFalse;
    // null: a draft still waiting for its key (imported without one) shows no choice made
    row.querySelector("select").value = truth === null ? "" : String(truth);
    statementRows.appendChild(row);
  }

  function load(q) {
    field("type").value = q.type;
    field("stem").value = toText(q.stem);
    field("explanation").value = toText(q.explanation);
    for (const name of ["subject", "grade", "level", "topic"]) field(name).value = q[name] ?? "";
    field("tags").value = (q.tags || []).join(", ");
    field("exposure").value = q.exposure || "exam";
    const keys = q.type === "multiple_response" ? q.answer || [] : [q.answer];
    (q.options || ["", "", "", ""]).forEach((o, i) => optionRow(o, keys.includes(i)));
    (q.statements || ["", "", "", ""]).forEach((s, i) =>
      statementRow(s, Array.isArray(q.answer) ? q.answer[i] === true : null, i));
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
    q.exposure = field("exposure").value;
    if (type === "single_choice" || type === "multiple_response") {
      const rows = [...optionRows.children];
      q.options = rows.map((r) => toHtml(r.querySelector("textarea").value));
      const keys = rows.map((r, i) => (r.querySelector("input").checked ? i : -1)).filter((i) => i >= 0);
      q.answer = type === "single_choice" ? keys[0] ?? null : keys;
    } else if (type === "true_false_group") {
      const rows = [...statementRows.children];
      q.statements = rows.map((r) => toHtml(r.querySelector("textarea").value));
      const truths = rows.map((r) => r.querySelector("select").value);
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

  function say(error) {
    errorBox.hidden = !error;
    errorBox.textContent = error || "";
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
      say(body.ok ? null : body.error);
      noKey.hidden = !lacksKey(collect());
    }, 250);
  }

  load(data);
  showFields();
  refresh();
  form.addEventListener("input", refresh);
  form.addEventListener("change", () => { showFields(); refresh(); });
  form.querySelector("[data-add-option]").addEventListener("click", () => { optionRow("", false); refresh(); });
  optionRows.addEventListener("click", (e) => {
    if (e.target.matches("[data-remove]")) { e.target.closest(".option-row").remove(); refresh(); }
  });
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const id = form.dataset.id;
    const { ok, body } = await api(id ? "PUT" : "POST", id ? `/api/v1/questions/${id}` : "/api/v1/questions", collect());
    if (!ok) { say(body.error.message); return; }
    say(null);
    statusBox.textContent = msg.msgSaved;
    if (!id) window.location.assign(`/cau-hoi/${body.id}`);
  });
  document.querySelectorAll("[data-status]").forEach((button) => {
    button.addEventListener("click", async () => {
      const { ok, body } = await api("POST", `/api/v1/questions/${form.dataset.id}/status`, { status: button.dataset.status });
      if (!ok) { say(body.error.message); return; }
      window.location.reload();
    });
  });
})();
