// The facet panel, and as-you-type title suggestions for the search box (a WAI-ARIA combobox): arrow keys move,
// Enter opens the highlighted item, Escape closes. Without this script the form still works.
(function () {
  "use strict";
  // The facet panel starts closed on a phone (results first) and open on a wider screen.
  const panel = document.getElementById("facet-panel");
  if (panel && window.matchMedia("(min-width: 48rem)").matches) panel.open = true;
  const input = document.getElementById("q");
  const list = document.getElementById("suggestions");
  if (!input || !list) return;
  const index = input.dataset.index || "content";
  const base = index === "questions" ? "/cau-hoi/" : "/content/";
  let timer = null;
  let active = -1;
  let asked = 0;

  function close() {
    list.hidden = true;
    list.replaceChildren();
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
    active = -1;
  }

  function show(items) {
    list.replaceChildren();
    items.forEach(function (item, i) {
      const li = document.createElement("li");
      li.id = "suggestion-" + i;
      li.setAttribute("role", "option");
      li.dataset.href = base + encodeURIComponent(item.id);
      li.textContent = item.title;
      li.addEventListener("mousedown", function (event) {
        event.preventDefault();
        window.location.href = li.dataset.href;
      });
      list.appendChild(li);
    });
    list.hidden = items.length === 0;
    input.setAttribute("aria-expanded", items.length ? "true" : "false");
  }

  function move(step) {
    const options = list.querySelectorAll("[role=option]");
    if (!options.length) return;
    if (active >= 0) options[active].removeAttribute("aria-selected");
    active = (active + step + options.length) % options.length;
    options[active].setAttribute("aria-selected", "true");
    input.setAttribute("aria-activedescendant", options[active].id);
  }

  async function ask() {
    const text = input.value.trim();
    if (text.length < 2) return close();
    const mine = ++asked;
    const url = "/api/v1/search/suggest?" + new URLSearchParams({ q: text, index: index });
    try {
      const response = await fetch(url, { headers: { Accept: "application/json" } });
      if (!response.ok || mine !== asked) return;
      show((await response.json()).suggestions);
    } catch (error) {
      close();
    }
  }

  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(ask, 150);
  });
  input.addEventListener("keydown", function (event) {
    if (event.key === "ArrowDown") { event.preventDefault(); move(1); }
    else if (event.key === "ArrowUp") { event.preventDefault(); move(-1); }
    else if (event.key === "Escape") { close(); }
    else if (event.key === "Enter" && active >= 0) {
      event.preventDefault();
      window.location.href = list.querySelectorAll("[role=option]")[active].dataset.href;
    }
  });
  input.addEventListener("blur", function () { setTimeout(close, 100); });
})();
