// The blueprint (ma trận đề) as a table: sections with their type and points, rows of a topic
// and counts per level; totals and the cells the bank cannot fill are checked by the server
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
  let plan = null;
  let timer = null;

  function el(tag, attrs = {}, text = "") {
    const node = document.createElement(tag);
    Object.entries(attrs).forEach(([k, v]) => node.setAttribute(k, v));
    if (text) node.textContent = text;
    return node;
  }

  function numberInput(value, min, step, onChange, label) {
    const input = el("input", { type: "number", min, step, "aria-label": label });
    input.value = value;
    input.addEventListener("input", () => { onChange(Number(input.value)); changed(false); });
    return input;
  }

  function render() {
    box.replaceChildren();
    plan.sections.forEach((section, s) => {
      const card = el("fieldset", { class: "card matrix-section", "data-testid": "matrix-section" });
      card.appendChild(el("legend", {}, section.title));
      const head = el("div", { class: "matrix-head" });
      const title = el("input", { value: section.title, "aria-label": msg.msgTitle });
      title.addEventListener("input", () => { section.title = title.value; changed(false); });
      const type = el("select", { "aria-label": msg.msgType });
      Object.entries(TYPES).forEach(([code, name]) => {
        const option = el("option", { value: code }, name);
        if (code === section.type) option.selected = true;
        type.appendChild(option);
      });
      type.addEventListener("change", () => { section.type = type.value; changed(false); });
      head.append(title, type, el("span", {}, msg.msgPoints),
        numberInput(section.points_each, 0.05, 0.05, (v) => { section.points_each = v; }, msg.msgPoints));
      const remove = el("button", { type: "button", class: "link" }, msg.msgRemoveSection);
      remove.addEventListener("click", () => { plan.sections.splice(s, 1); changed(true); });
      head.appendChild(remove);
      card.appendChild(head);
      const table = el("table", { class: "results" });
      const header = el("tr");
      header.appendChild(el("th", {}, msg.msgTopic));
      JSON.parse(msg.levels).forEach((name) => header.appendChild(el("th", {}, name)));
      header.appendChild(el("th"));
      table.appendChild(header);
      section.rows.forEach((row, r) => {
        const line = el("tr", { "data-testid": "matrix-row" });
        const topic = el("input", { value: row.topic || "", placeholder: msg.msgWholeSubject, "aria-label": msg.msgTopic });
        topic.addEventListener("input", () => { row.topic = topic.value || null; changed(false); });
        const cell = el("td");
        cell.appendChild(topic);
        line.appendChild(cell);
        LEVELS.forEach((level) => {
          const td = el("td");
          td.appendChild(numberInput(row.counts[level] || 0, 0, 1, (v) => {
            if (v) row.counts[level] = v; else delete row.counts[level];
          }, level));
          line.appendChild(td);
        });
        const drop = el("button", { type: "button", class: "link" }, "×");
        drop.setAttribute("aria-label", msg.msgRemoveRow);
        drop.addEventListener("click", () => { section.rows.splice(r, 1); changed(true); });
        const td = el("td");
        td.appendChild(drop);
        line.appendChild(td);
        table.appendChild(line);
      });
      card.appendChild(table);
      const add = el("button", { type: "button", class: "button" }, msg.msgAddRow);
      add.addEventListener("click", () => { section.rows.push({ topic: null, counts: {} }); changed(true); });
      card.appendChild(add);
      box.appendChild(card);
    });
    const addSection = el("button", { type: "button", class: "button", "data-testid": "add-section" }, msg.msgAddSection);
    addSection.addEventListener("click", () => {
      plan.sections.push({ title: `PHẦN ${plan.sections.length + 1}`, type: "single_choice",
        points_each: 0.25, rows: [{ topic: null, counts: { nhan_biet: 1 } }] });
      changed(true);
    });
    box.appendChild(addSection);
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
    if (!response.ok) { status.textContent = data.error.message; status.className = "error"; return; }
    // Levels by their names (the page's language first, then the server's), never the codes.
    const names = { ...data.level_names, ...JSON.parse(msg.levelNames || "{}") };
    const levels = Object.entries(data.points_by_level)
      .map(([k, v]) => `${names[k] || k} ${v}`).join(" · ");
    const lines = [`${data.questions} ${msg.msgQuestions}, ${data.max_points} ${msg.msgPoints} (${levels})`];
    data.shortages.forEach((s) => lines.push(s.message));
    status.textContent = lines.join("\n");
    status.className = data.shortages.length ? "error" : "ok";
  }

  async function load(kind) {
    const params = new URLSearchParams({ kind, subject: form.elements.namedItem("subject").value,
      grade: form.elements.namedItem("grade").value });
    const response = await fetch(`/api/v1/blueprints/presets?${params}`);
    if (!response.ok) { status.textContent = (await response.json()).error.message; return; }
    plan = await response.json();
    changed(true);
  }

  document.querySelectorAll("[data-load-preset]").forEach((button) => {
    button.addEventListener("click", () => load(button.dataset.loadPreset));
  });
  if (field.value.trim().startsWith("{")) {
    try { plan = JSON.parse(field.value); render(); } catch (error) { /* plain YAML: text only */ }
  }
})();
