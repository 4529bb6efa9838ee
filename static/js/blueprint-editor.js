// The blueprint (ma trận đề) as cards: sections with their type, points and shuffling, rows of
// a topic and counts per level; totals and the cells the bank cannot fill are checked by the server
// as you edit. The table writes JSON into the blueprint field (JSON is YAML), which the form
// posts; without this script the field is edited as text.
(() => {
  const form = document.querySelector("form[data-blueprint-editor]");
  if (!form) return;
  const msg = form.dataset;
  const field = form.elements.namedItem("blueprint");
  const box = document.getElementById("matrix");
  const status = document.querySelector("[data-testid=matrix-check]");
  const LEVELS = ["nhan_biet", "thong_hieu", "van_dung", "van_dung_cao"];
  const TYPES = JSON.parse(msg.types);
  const LEVEL_NAMES = JSON.parse(msg.levels);
  const textBox = form.querySelector(".blueprint-text");
  const decimal = (n) => (document.documentElement.lang === "en" ? String(n) : String(n).replace(".", ","));
  let plan = null;
  let timer = null;

  function el(tag, attrs = {}, text = "") {
    const node = document.createElement(tag);
    Object.entries(attrs).forEach(([k, v]) => node.setAttribute(k, v));
    if (text) node.textContent = text;
    return node;
  }

  // Every input has its label beside it: a stacked card per section (PHẦN), a block per row,
  // the levels as labelled number inputs, so a phone never scrolls sideways.
  function labelled(text, input, cls = "") {
    const label = el("label", cls ? { class: cls } : {});
    label.append(el("span", {}, text), input);
    return label;
  }

  function numberInput(value, min, step, onChange) {
    const input = el("input", { type: "number", min, step, inputmode: "decimal" });
    input.value = value;
    input.addEventListener("input", () => { onChange(Number(input.value)); changed(false); });
    return input;
  }

  function checkbox(text, checked, onChange) {
    const input = el("input", { type: "checkbox" });
    input.checked = checked;
    input.addEventListener("change", () => { onChange(input.checked); changed(false); });
    const label = el("label", { class: "choice" });
    label.append(input, el("span", {}, text));
    return label;
  }

  // The outcomes (YCCĐ codes) a row targets: a copy of the page's outcome field (comma-separated
  // codes; outcome-picker.js may enhance it), read back into the row as a list.
  const outcomeTemplate = document.getElementById("row-outcomes");
  let outcomeFields = 0;
  function outcomesField(row) {
    const copy = outcomeTemplate.content.firstElementChild.cloneNode(true);
    const input = copy.querySelector("input");
    input.removeAttribute("name");  // the row's codes travel in the blueprint's JSON
    input.id = `row-outcomes-${++outcomeFields}`;  // one id a copy, so its label names it
    const label = copy.querySelector("label");
    if (label) label.htmlFor = input.id;
    input.dataset.subject = form.elements.namedItem("subject").value;
    input.dataset.grade = form.elements.namedItem("grade").value;
    input.value = (row.outcomes || []).join(", ");
    const read = () => {
      const codes = input.value.split(",").map((c) => c.trim()).filter(Boolean);
      if (codes.length) row.outcomes = codes; else delete row.outcomes;
      changed(false);
    };
    input.addEventListener("input", read);
    input.addEventListener("change", read);
    copy.classList.add("matrix-outcomes");
    return copy;
  }

  function render() {
    box.replaceChildren();
    plan.sections.forEach((section, s) => {
      const card = el("fieldset", { class: "card matrix-section", "data-testid": "matrix-section" });
      card.appendChild(el("legend", {}, section.title));
      const head = el("div", { class: "matrix-head" });
      const title = el("input", { value: section.title });
      title.addEventListener("input", () => { section.title = title.value; changed(false); });
      const type = el("select");
      Object.entries(TYPES).forEach(([code, name]) => {
        const option = el("option", { value: code }, name);
        if (code === section.type) option.selected = true;
        type.appendChild(option);
      });
      type.addEventListener("change", () => { section.type = type.value; changed(false); });
      head.append(labelled(msg.msgTitle, title), labelled(msg.msgType, type),
        labelled(msg.msgPointsEach, numberInput(section.points_each, 0.05, 0.05, (v) => { section.points_each = v; })));
      card.appendChild(head);
      const shuffles = el("div", { class: "matrix-shuffle" });
      shuffles.append(
        checkbox(msg.msgShuffleQuestions, section.shuffle_questions !== false, (on) => { section.shuffle_questions = on; }),
        checkbox(msg.msgShuffleOptions, section.shuffle_options !== false, (on) => { section.shuffle_options = on; }));
      card.appendChild(shuffles);
      section.rows.forEach((row, r) => {
        const block = el("div", { class: "matrix-row", "data-testid": "matrix-row", role: "group",
          "aria-label": `${msg.msgRow} ${r + 1}` });
        const topic = el("input", { value: row.topic || "", placeholder: msg.msgWholeSubject });
        topic.addEventListener("input", () => { row.topic = topic.value || null; changed(false); });
        block.appendChild(labelled(msg.msgTopic, topic, "matrix-topic"));
        block.appendChild(outcomesField(row));
        const levels = el("div", { class: "matrix-levels" });
        // A level the row counts that is not one of the four (bat_ky: any level) shows too.
        const shown = [...LEVELS, ...Object.keys(row.counts).filter((k) => !LEVELS.includes(k))];
        shown.forEach((level) => {
          levels.appendChild(labelled(LEVEL_NAMES[level] || level, numberInput(row.counts[level] || 0, 0, 1, (v) => {
            if (v) row.counts[level] = v; else delete row.counts[level];
          })));
        });
        block.appendChild(levels);
        const drop = el("button", { type: "button", class: "link danger" }, msg.msgRemoveRow);
        drop.addEventListener("click", () => { section.rows.splice(r, 1); changed(true); });
        block.appendChild(drop);
        card.appendChild(block);
      });
      const actions = el("div", { class: "actions" });
      const add = el("button", { type: "button", class: "button secondary" }, msg.msgAddRow);
      add.addEventListener("click", () => { section.rows.push({ topic: null, counts: {} }); changed(true); });
      const remove = el("button", { type: "button", class: "button danger" }, msg.msgRemoveSection);
      remove.addEventListener("click", () => { plan.sections.splice(s, 1); changed(true); });
      actions.append(add, remove);
      card.appendChild(actions);
      box.appendChild(card);
    });
    const addSection = el("button", { type: "button", class: "button secondary", "data-testid": "add-section" }, msg.msgAddSection);
    addSection.addEventListener("click", () => {
      plan.sections.push({ title: `PHẦN ${plan.sections.length + 1}`, type: "single_choice",
        points_each: 0.25, rows: [{ topic: null, counts: { nhan_biet: 1 } }] });
      changed(true);
    });
    box.appendChild(addSection);
    showText();
  }

  function changed(redraw) {
    field.value = JSON.stringify(plan, null, 1);
    form.elements.namedItem("source").value = "yaml";
    if (redraw) render();
    clearTimeout(timer);
    timer = setTimeout(check, 300);
  }

  async function check() {
    const response = await window.kholieuApi.send("POST", "/api/v1/blueprints/check", plan);
    const data = await response.json();
    if (!response.ok) { status.textContent = data.error.message; status.className = "matrix-check error"; return; }
    const levels = Object.entries(data.points_by_level)
      .map(([k, v]) => `${LEVEL_NAMES[k] || k} ${decimal(v)} ${msg.msgPoints}`).join(" · ");
    const lines = [`${data.questions} ${msg.msgQuestions}, ${decimal(data.max_points)} ${msg.msgPoints} (${levels})`];
    data.shortages.forEach((s) => lines.push(s.message));
    status.textContent = lines.join("\n");
    status.className = `matrix-check ${data.shortages.length ? "error" : "ok"}`;
  }

  async function load(kind) {
    const params = new URLSearchParams({ kind, subject: form.elements.namedItem("subject").value,
      grade: form.elements.namedItem("grade").value });
    const response = await fetch(`/api/v1/blueprints/presets?${params}`);
    if (!response.ok) { status.textContent = (await response.json()).error.message; return; }
    plan = await response.json();
    changed(true);
  }

  // The matrix as text (YAML or JSON) is for a teacher pasting their own; while the table
  // edits it, the field stays hidden and only carries the JSON the form posts.
  function showText() {
    textBox.hidden = plan !== null || form.elements.namedItem("source").value !== "yaml";
  }
  form.querySelectorAll("input[name=source]").forEach((radio) => radio.addEventListener("change", showText));

  document.querySelectorAll("[data-load-preset]").forEach((button) => {
    button.addEventListener("click", () => load(button.dataset.loadPreset));
  });
  if (field.value.trim().startsWith("{")) {
    try { plan = JSON.parse(field.value); render(); } catch (error) { /* plain YAML: text only */ }
  }
  showText();
})();
