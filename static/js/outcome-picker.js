// The outcome (YCCĐ) picker: every input[data-outcome-picker] (templates/_outcomes.html) becomes
// chips for the codes chosen, each with its text from GET /api/v1/outcomes/{code}, and a search
// box over GET /api/v1/outcomes?q=… (with or without diacritics, or a code's beginning), filtered
// by the form's subject and grade selects when it has them, else by data-subject / data-grade.
// The input itself stays in the form, hidden, holding the chosen codes comma-separated, so the
// form posts as it did without scripts. Keyboard: ↑/↓ move through the results, Enter chooses,
// Escape closes, Backspace in an empty box removes the last chip; touch: tap a result, tap ×.
// Every word shown comes from the input's data-label-* attributes (Vietnamese first).
(() => {
  "use strict";
  const SEARCH_DELAY_MS = 200;
  const LIMIT = 10;
  let counter = 0;

  const element = (tag, attrs = {}, text = "") => {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, value);
    if (text) node.textContent = text;
    return node;
  };
  const split = (value) => value.split(",").map((c) => c.trim().toUpperCase()).filter(Boolean);

  function enhance(input) {
    const n = ++counter;
    const label = (name, fallback) => input.dataset[`label${name}`] || fallback;
    const form = input.form;
    const subjectSelect = form && form.querySelector('select[name="subject"]');
    const gradeSelect = form && form.querySelector('select[name="grade"]');
    const texts = new Map(); // code -> outcome (or null: not in the catalogue)
    let codes = split(input.value);
    let results = [];
    let active = -1;
    let timer = null;
    let asked = 0;

    const picker = element("div", { class: "outcome-picker", "data-testid": "outcome-picker" });
    const chips = element("ul", { class: "outcome-chips", "aria-label": label("Chosen", "Đã chọn") });
    const combo = element("div", { class: "combo" });
    const box = element("input", {
      type: "search", id: `outcome-search-${n}`, class: "outcome-search", autocomplete: "off",
      spellcheck: "false", maxlength: "200", role: "combobox", "aria-autocomplete": "list",
      "aria-expanded": "false", "aria-controls": `outcome-results-${n}`,
      placeholder: label("Search", "Tìm yêu cầu cần đạt"), "data-testid": "outcome-search",
    });
    const list = element("ul", {
      id: `outcome-results-${n}`, role: "listbox", class: "suggestions outcome-results",
      "aria-label": label("Results", "Kết quả tìm"), hidden: "",
    });
    const status = element("p", { class: "hint", role: "status", "aria-live": "polite" });
    combo.append(box, list);
    picker.append(chips, combo, status);
    const owner = input.closest(".outcome-field");
    const fieldLabel = owner && owner.querySelector(`label[for="${input.id}"]`);
    if (fieldLabel) fieldLabel.setAttribute("for", box.id);
    input.type = "hidden";
    input.after(picker);

    const scope = () => ({
      subject: (subjectSelect && subjectSelect.value) || input.dataset.subject || "",
      grade: (gradeSelect && gradeSelect.value) || input.dataset.grade || "",
    });

    function save() {
      input.value = codes.join(", ");
      input.dispatchEvent(new Event("change", { bubbles: true }));
    }

    function drawChips() {
      chips.replaceChildren();
      for (const code of codes) {
        const known = texts.get(code);
        const chip = element("li", { class: "outcome-chip", "data-code": code });
        chip.append(element("code", {}, code));
        if (known) chip.append(element("span", { class: "outcome-text" }, known.text));
        else if (known === null) {
          chip.classList.add("unknown");
          chip.append(element("span", { class: "outcome-text error" }, label("Unknown", "Mã này không có trong danh mục")));
        }
        const remove = element("button", {
          type: "button", class: "chip-remove",
          "aria-label": `${label("Remove", "Bỏ")} ${code}`,
        }, "×");
        remove.addEventListener("click", () => {
          codes = codes.filter((c) => c !== code);
          save();
          drawChips();
          box.focus();
        });
        chip.append(remove);
        chips.append(chip);
      }
      chips.hidden = codes.length === 0;
    }

    async function lookUp(code) {
      try {
        const response = await window.kholieuApi.send("GET", `/api/v1/outcomes/${encodeURIComponent(code)}`);
        texts.set(code, response.ok ? await response.json() : (response.status === 404 ? null : undefined));
      } catch (err) {
        texts.delete(code);
      }
      drawChips();
    }

    function close() {
      list.hidden = true;
      box.setAttribute("aria-expanded", "false");
      box.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function mark(index) {
      const options = list.querySelectorAll('[role="option"]');
      options.forEach((option, i) => option.setAttribute("aria-selected", i === index ? "true" : "false"));
      active = index;
      if (index >= 0 && options[index]) {
        box.setAttribute("aria-activedescendant", options[index].id);
        options[index].scrollIntoView({ block: "nearest" });
      }
    }

    function choose(outcome) {
      texts.set(outcome.code, outcome);
      if (!codes.includes(outcome.code)) codes.push(outcome.code);
      save();
      drawChips();
      box.value = "";
      status.textContent = "";
      close();
      box.focus();
    }

    function drawResults(found) {
      results = found.items.filter((o) => !codes.includes(o.code));
      list.replaceChildren();
      results.forEach((outcome, i) => {
        const option = element("li", {
          role: "option", id: `outcome-option-${n}-${i}`, "aria-selected": "false",
          "data-code": outcome.code, "data-testid": "outcome-option",
        });
        option.append(element("code", {}, outcome.code), " ",
          element("span", { class: "meta" }, outcome.strand), element("br"),
          element("span", {}, outcome.text));
        option.addEventListener("mousedown", (event) => event.preventDefault()); // keep focus
        option.addEventListener("click", () => choose(outcome));
        list.append(option);
      });
      const open = results.length > 0;
      list.hidden = !open;
      box.setAttribute("aria-expanded", open ? "true" : "false");
      active = -1;
      status.textContent = open
        ? (found.total > found.items.length ? label("More", "Còn nữa — gõ thêm từ để thu hẹp") : "")
        : label("None", "Không tìm thấy yêu cầu cần đạt nào.");
    }

    async function search() {
      const q = box.value.trim();
      if (!q) {
        close();
        status.textContent = "";
        return;
      }
      const { subject, grade } = scope();
      const params = new URLSearchParams({ q, limit: String(LIMIT) });
      if (subject) params.set("subject", subject);
      if (grade) params.set("grade", grade);
      const ticket = ++asked;
      try {
        const response = await window.kholieuApi.send("GET", `/api/v1/outcomes?${params}`);
        if (ticket !== asked) return; // a later search has been sent: its answer counts
        if (!response.ok) throw new Error(String(response.status));
        drawResults(await response.json());
      } catch (err) {
        if (ticket === asked) {
          close();
          status.textContent = label("Failed", "Chưa tìm được, hãy thử lại.");
        }
      }
    }

    box.addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(search, SEARCH_DELAY_MS);
    });
    box.addEventListener("keydown", (event) => {
      const count = list.hidden ? 0 : results.length;
      if (event.key === "ArrowDown" && count) {
        event.preventDefault();
        mark((active + 1) % count);
      } else if (event.key === "ArrowUp" && count) {
        event.preventDefault();
        mark((active - 1 + count) % count);
      } else if (event.key === "Enter") {
        if (count) {
          event.preventDefault(); // choosing, not sending the form
          choose(results[active >= 0 ? active : 0]);
        } else if (box.value.trim()) {
          event.preventDefault();
          clearTimeout(timer);
          search();
        }
      } else if (event.key === "Escape" && !list.hidden) {
        event.preventDefault();
        close();
      } else if (event.key === "Backspace" && !box.value && codes.length) {
        codes = codes.slice(0, -1);
        save();
        drawChips();
      }
    });
    box.addEventListener("blur", () => setTimeout(close, 150));
    for (const select of [subjectSelect, gradeSelect]) {
      if (select) select.addEventListener("change", () => { if (box.value.trim()) search(); });
    }

    drawChips();
    codes.forEach(lookUp);
  }

  const start = () => document.querySelectorAll("input[data-outcome-picker]").forEach(enhance);
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
