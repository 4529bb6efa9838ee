// The textbook reader (/sach/{id}, templates/textbooks/reader.html): PDF.js draws one page at
// a time into a canvas, fetching the PDF by byte ranges (disableAutoFetch + disableStream: the
// file is never read whole, page 42 costs the bytes of page 42 and the document's tables).
// Our own renderer rather than pdf_viewer's PDFViewer: one page on screen on a phone, so one
// canvas, and a page count of 300 creates no 300 page boxes. Thumbnails are drawn only when
// their box scrolls into view (IntersectionObserver), one at a time.
// The table of contents, search inside the book (server-side, over the stored page text: PDF.js's
// own find would download every page) and "Học liệu cho bài này" come from the textbook API.
// The page is in the hash (#trang=42): opened with it, kept up to date, followed when changed.
// Strings come from the page's data-msg-* attributes; no inline script, no eval.

const root = document.querySelector("[data-reader]");
if (root) start(root);

async function start(root) {
  const $ = (selector) => root.querySelector(selector);
  const msg = (name) => root.dataset[`msg${name}`] || "";
  const status = $("[data-status]");
  const frame = $("[data-frame]");
  const pageInput = $("[data-page-input]");
  const narrow = window.matchMedia("(max-width: 47.99rem)");

  const state = {
    pdf: null, count: 0, page: pageFromHash() || 1, zoom: 1, rendering: null, drawing: 0,
    sections: [], ratio: 1.414, firstShown: false,
  };  // prettier-ignore

  const say = (text, busy = false) => {
    status.textContent = text;
    status.hidden = !text;
    root.setAttribute("aria-busy", busy ? "true" : "false");
  };

  function pageFromHash() {
    const match = /(?:^#|&)trang=(\d{1,6})(?:&|$)/.exec(window.location.hash);
    return match ? Number(match[1]) : 0;
  }

  // --- the book's sections, from the API (the PDF loads at the same time) ---
  const book = fetch(root.dataset.api, { credentials: "same-origin" })
    .then((response) => (response.ok ? response.json() : null))
    .catch(() => null);

  // --- PDF.js ---
  if (!root.dataset.file) {
    say(msg("NoFile"));
    return;
  }
  say(msg("Loading"), true);
  let pdfjs;
  try {
    pdfjs = await import(root.dataset.pdfjs);
    pdfjs.GlobalWorkerOptions.workerSrc = root.dataset.pdfjsWorker;
    const task = pdfjs.getDocument({
      url: root.dataset.file,
      disableAutoFetch: true, // only the ranges a drawn page needs
      disableStream: true, // …and no streaming of the whole file behind them
      rangeChunkSize: 65536,
      isEvalSupported: false, // CSP: script-src 'self', no eval
      enableXfa: false,
      withCredentials: false, // the content origin takes no cookies
    });
    state.pdf = await task.promise;
  } catch (error) {
    console.error(error);
    say(msg("Error"));
    return;
  }
  state.count = state.pdf.numPages;
  root.dataset.pageCount = String(state.count);
  $("[data-page-count]").textContent = String(state.count);
  pageInput.max = String(state.count);

  // --- drawing the current page ---
  const clamp = (page) => Math.min(Math.max(1, Math.round(page) || 1), state.count);

  async function draw() {
    const number = state.page;
    state.drawing = number;
    if (state.rendering) {
      state.rendering.cancel();
      state.rendering = null;
    }
    say(`${msg("Loading")} ${number}/${state.count}`, true);
    try {
      const page = await state.pdf.getPage(number);
      if (number !== state.page) return; // moved on meanwhile
      const base = page.getViewport({ scale: 1 });
      state.ratio = base.height / base.width;
      const width = Math.max(200, frame.clientWidth);
      const viewport = page.getViewport({ scale: (width / base.width) * state.zoom });
      const density = Math.min(window.devicePixelRatio || 1, 2); // sharp, within memory
      const canvas = document.createElement("canvas");
      canvas.width = Math.floor(viewport.width * density);
      canvas.height = Math.floor(viewport.height * density);
      canvas.style.width = `${Math.floor(viewport.width)}px`;
      canvas.style.height = `${Math.floor(viewport.height)}px`;
      canvas.dataset.testid = "page-canvas";
      canvas.dataset.zoom = String(state.zoom); // the zoom it was drawn at
      canvas.setAttribute("aria-label", `${msg("Page")} ${number}`);
      const task = page.render({
        canvas, viewport, transform: density === 1 ? null : [density, 0, 0, density, 0, 0],
      });  // prettier-ignore
      state.rendering = task;
      await task.promise;
      if (state.rendering === task) state.rendering = null;
      if (state.drawing === number) state.drawing = 0;
      if (number !== state.page) return;
      canvas.dataset.page = String(number); // what is on screen, for people and tests
      frame.replaceChildren(canvas);
      root.dataset.shownPage = String(number);
      say("");
      if (!state.firstShown) {
        state.firstShown = true;
        // since the navigation started (performance's time origin), for measurements
        root.dataset.firstPageMs = String(Math.round(performance.now()));
      }
    } catch (error) {
      if (error && error.name === "RenderingCancelledException") return;
      if (state.drawing === number) state.drawing = 0;
      console.error(error);
      say(msg("Error"));
    }
  }

  function go(page, { fromHash = false } = {}) {
    const number = clamp(page);
    state.page = number;
    pageInput.value = String(number);
    root.querySelector("[data-prev]").disabled = number <= 1;
    root.querySelector("[data-next]").disabled = number >= state.count;
    if (!fromHash && pageFromHash() !== number) {
      history.replaceState(null, "", `#trang=${number}`);
    }
    if (root.dataset.shownPage !== String(number) && state.drawing !== number) draw();
    markCurrent();
  }

  // --- navigation and zoom ---
  root.querySelector("[data-prev]").addEventListener("click", () => go(state.page - 1));
  root.querySelector("[data-next]").addEventListener("click", () => go(state.page + 1));
  pageInput.addEventListener("change", () => go(Number(pageInput.value)));
  pageInput.addEventListener("keydown", (event) => {
    if (event.key === "Enter") go(Number(pageInput.value));
  });
  window.addEventListener("hashchange", () => {
    const page = pageFromHash();
    if (page) go(page, { fromHash: true });
  });
  document.addEventListener("keydown", (event) => {
    if (event.target.closest("input, textarea, select") || event.altKey || event.ctrlKey) return;
    if (event.key === "ArrowLeft" || event.key === "PageUp") go(state.page - 1);
    if (event.key === "ArrowRight" || event.key === "PageDown") go(state.page + 1);
  });
  const zoomLabel = root.querySelector("[data-zoom-label]");
  const zoom = (factor) => {
    state.zoom = factor === 0 ? 1 : Math.min(4, Math.max(0.5, state.zoom * factor));
    zoomLabel.textContent = `${Math.round(state.zoom * 100)}%`;
    root.dataset.zoom = String(state.zoom);
    draw();
  };
  root.querySelector("[data-zoom-in]").addEventListener("click", () => zoom(1.25));
  root.querySelector("[data-zoom-out]").addEventListener("click", () => zoom(0.8));
  root.querySelector("[data-zoom-fit]").addEventListener("click", () => zoom(0));
  // Fit width follows the frame: a turned phone, a panel opened beside the page on a desktop.
  let lastWidth = frame.clientWidth;
  let resizeTimer = 0;
  new ResizeObserver(() => {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(() => {
      if (frame.clientWidth !== lastWidth) {
        lastWidth = frame.clientWidth;
        draw();
      }
    }, 150);
  }).observe(frame);

  // --- panels: the table of contents, search, thumbnails (one at a time) ---
  const panels = $("[data-panels]");
  const toggles = [...root.querySelectorAll("[data-panel-toggle]")];
  function openPanel(name) {
    const opening = name && !toggles.some((t) => t.dataset.panelToggle === name
      && t.getAttribute("aria-expanded") === "true");  // prettier-ignore
    for (const toggle of toggles) {
      toggle.setAttribute("aria-expanded", String(opening && toggle.dataset.panelToggle === name));
    }
    for (const panel of root.querySelectorAll("[data-panel]")) {
      panel.hidden = !(opening && panel.dataset.panel === name);
    }
    panels.hidden = !opening;
    if (opening && name === "thumbs") thumbnails();
    if (opening && name === "search") $("#reader-q").focus();
  }
  for (const toggle of toggles) {
    toggle.addEventListener("click", () => openPanel(toggle.dataset.panelToggle));
  }
  $("[data-panel-close]").addEventListener("click", () => openPanel(null));
  const chosen = (page) => {
    if (narrow.matches) openPanel(null); // on a phone the panel covers the page
    go(page);
  };

  // The table of contents
  const toc = $("[data-toc]");
  function tree(sections) {
    const list = document.createElement("ol");
    for (const section of sections) {
      const item = document.createElement("li");
      item.className = `toc-${section.kind}`;
      const button = document.createElement("button");
      button.type = "button";
      button.className = "toc-entry";
      button.dataset.section = String(section.id);
      button.dataset.page = String(section.page_start);
      const title = document.createElement("span");
      title.textContent = section.title;
      const page = document.createElement("span");
      page.className = "toc-page";
      page.textContent = String(section.page_start);
      button.append(title, page);
      button.addEventListener("click", () => chosen(section.page_start));
      item.append(button);
      if (section.children && section.children.length) item.append(tree(section.children));
      list.append(item);
    }
    return list;
  }

  // The bài holding the current page (the deepest section whose range holds it)
  function sectionAt(page, sections = state.sections) {
    for (const section of sections) {
      if (section.page_start <= page && page <= section.page_end) {
        return sectionAt(page, section.children || []) || section;
      }
    }
    return null;
  }

  function markCurrent() {
    const current = sectionAt(state.page);
    for (const entry of toc.querySelectorAll("[aria-current]")) entry.removeAttribute("aria-current");
    if (current) {
      toc.querySelector(`[data-section="${current.id}"]`)?.setAttribute("aria-current", "true");
    }
    material(current && current.kind === "bai" ? current : null);
  }

  // Search inside the book
  const form = $("[data-search-form]");
  const hits = $("[data-hits]");
  const searchStatus = $("[data-search-status]");
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const q = form.elements.q.value.trim();
    if (!q) return;
    hits.replaceChildren();
    searchStatus.textContent = msg("Searching");
    try {
      const url = `${root.dataset.api}/search?${new URLSearchParams({ q })}`;
      const response = await fetch(url, { credentials: "same-origin" });
      if (!response.ok) throw new Error(String(response.status));
      const found = await response.json();
      searchStatus.textContent = found.total ? `${msg("Hits")} ${found.total}` : msg("NoHits");
      for (const hit of found.hits) {
        const item = document.createElement("li");
        const button = document.createElement("button");
        button.type = "button";
        button.className = "hit";
        button.dataset.page = String(hit.page);
        const label = document.createElement("strong");
        label.textContent = `${msg("Page")} ${hit.page}`;
        const snippet = document.createElement("span");
        snippet.append(...marked(hit.snippet || ""));
        button.append(label, snippet);
        button.addEventListener("click", () => chosen(hit.page));
        item.append(button);
        hits.append(item);
      }
    } catch (error) {
      console.error(error);
      searchStatus.textContent = msg("SearchError");
    }
  });

  // A snippet is escaped text with <mark> around the match: keep the text and the marks only.
  function marked(html) {
    const template = document.createElement("template");
    template.innerHTML = html;
    return [...template.content.childNodes].map((node) => {
      if (node.nodeName === "MARK") {
        const mark = document.createElement("mark");
        mark.textContent = node.textContent;
        return mark;
      }
      return document.createTextNode(node.textContent);
    });
  }

  // Thumbnails: every page gets a numbered box; a box is drawn when it scrolls into view.
  const thumbs = $("[data-thumbs]");
  let observer = null;
  const queue = [];
  let drawingThumb = false;
  function thumbnails() {
    if (observer) return;
    const boxes = [];
    for (let number = 1; number <= state.count; number += 1) {
      const item = document.createElement("li");
      const button = document.createElement("button");
      button.type = "button";
      button.className = "thumb";
      button.dataset.page = String(number);
      button.style.aspectRatio = `1 / ${state.ratio}`;
      const label = document.createElement("span");
      label.textContent = String(number);
      button.append(label);
      button.addEventListener("click", () => chosen(number));
      item.append(button);
      boxes.push(button);
    }
    thumbs.replaceChildren(...boxes.map((box) => box.parentElement));
    observer = new IntersectionObserver((entries) => {
      for (const entry of entries) {
        entry.target.dataset.visible = entry.isIntersecting ? "1" : "";
        if (entry.isIntersecting && !entry.target.dataset.drawn) {
          queue.push(entry.target);
        }
      }
      nextThumb();
    }, { root: panels, rootMargin: "100px 0px" });
    for (const box of boxes) observer.observe(box);
  }
  async function nextThumb() {
    if (drawingThumb) return;
    const box = queue.shift();
    if (!box) return;
    if (!box.dataset.visible || box.dataset.drawn) {
      nextThumb();
      return;
    }
    drawingThumb = true;
    try {
      const page = await state.pdf.getPage(Number(box.dataset.page));
      const base = page.getViewport({ scale: 1 });
      const viewport = page.getViewport({ scale: (box.clientWidth * 1.5) / base.width });
      const canvas = document.createElement("canvas");
      canvas.width = Math.floor(viewport.width);
      canvas.height = Math.floor(viewport.height);
      await page.render({ canvas, viewport }).promise;
      box.dataset.drawn = "1";
      box.prepend(canvas);
    } catch (error) {
      console.error(error);
    } finally {
      drawingThumb = false;
      nextThumb();
    }
  }

  // "Học liệu cho bài này": the lead's /materials (linked and aligned) when it answers,
  // otherwise the bài's own links.
  const panel = $("[data-material]");
  const list = $("[data-material-list]");
  const cache = new Map();
  let materialsMissing = false;
  let shownSection = null;
  async function material(section) {
    if (!section) {
      shownSection = null;
      panel.hidden = true;
      return;
    }
    if (shownSection === section.id) return;
    shownSection = section.id;
    $("[data-material-lesson]").textContent = section.title;
    if (!cache.has(section.id)) cache.set(section.id, fetchMaterial(section.id));
    const items = await cache.get(section.id);
    if (shownSection !== section.id) return;
    list.replaceChildren(...items.map(materialItem));
    if (!items.length) {
      const none = document.createElement("li");
      none.className = "muted";
      none.textContent = msg("NothingLinked");
      list.append(none);
    }
    panel.hidden = false;
  }
  async function fetchMaterial(id) {
    const base = `${root.dataset.sectionApi}${id}`;
    const get = async (url) => {
      const response = await fetch(url, { credentials: "same-origin" });
      return response.ok ? response.json() : { status: response.status };
    };
    try {
      if (!materialsMissing) {
        const found = await get(`${base}/materials`);
        if (!found.status) {
          return [...(found.linked || []), ...(found.aligned || []).map((m) => ({ ...m, aligned: true }))];
        }
        if (found.status === 404 || found.status === 405) materialsMissing = true;
      }
      const links = await get(`${base}/links`);
      if (links.status) return [];
      const questions = (links.questions || []).map((q) => ({ ...q, question: true }));
      return [...(links.content || []), ...questions];
    } catch (error) {
      console.error(error);
      return [];
    }
  }
  function materialItem(entry) {
    const item = document.createElement("li");
    const link = document.createElement("a");
    link.href = /^(\/(?!\/)|https?:)/.test(entry.url || "") ? entry.url : "#"; // never javascript:
    link.textContent = entry.title;
    item.append(link);
    if (entry.aligned || entry.question) {
      const note = document.createElement("span");
      note.className = "muted";
      note.textContent = ` · ${entry.aligned ? msg("SameOutcome") : msg("Question")}`;
      item.append(note);
    }
    return item;
  }

  // Start: the first page at once, then the book's sections when they come.
  go(state.page);
  const details = await book;
  state.sections = (details && details.sections) || [];
  if (state.sections.length) {
    toc.replaceChildren(tree(state.sections));
  } else {
    const none = document.createElement("p");
    none.className = "muted";
    none.textContent = msg("NoToc");
    toc.replaceChildren(none);
  }
  markCurrent();
}
