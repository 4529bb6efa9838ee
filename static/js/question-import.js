// Importing a question file: upload with a progress bar (XHR reports upload progress, fetch
// does not), then follow the import job, then show what became of every question.
(() => {
  const form = document.getElementById("import-form");
  if (!form) return;
  const msg = form.dataset;
  const bar = form.querySelector("progress");
  const status = form.querySelector("[data-testid=import-status]");
  const report = document.getElementById("import-report");

  function upload(data) {
    return new Promise((resolve, reject) => {
      const xhr = new XMLHttpRequest();
      xhr.open("POST", "/api/v1/questions/imports");
      Object.entries(window.kholieuApi.headers()).forEach(([k, v]) => xhr.setRequestHeader(k, v));
      xhr.upload.onprogress = (e) => { if (e.lengthComputable) bar.value = (100 * e.loaded) / e.total; };
      xhr.onload = () => {
        const body = JSON.parse(xhr.responseText || "{}");
        if (xhr.status < 300) resolve(body); else reject(new Error(body.error ? body.error.message : xhr.statusText));
      };
      xhr.onerror = () => reject(new Error("network"));
      xhr.send(data);
    });
  }

  async function follow(id) {
    for (;;) {
      const response = await fetch(`/api/v1/questions/imports/${id}`, { credentials: "same-origin" });
      const body = await response.json();
      if (!response.ok) throw new Error(body.error.message);
      bar.value = 100 * body.progress;
      if (body.status === "done") return body.report;
      if (body.status === "failed") throw new Error(body.error);
      await new Promise((r) => setTimeout(r, 700));
    }
  }

  function cell(row, text, link) {
    const td = document.createElement("td");
    if (link) { const a = document.createElement("a"); a.href = link; a.textContent = text; td.appendChild(a); }
    else td.textContent = text;
    row.appendChild(td);
  }

  function table(title, rows, columns) {
    if (!rows.length) return;
    const h = document.createElement("h2");
    h.textContent = `${title} (${rows.length})`;
    const t = document.createElement("table");
    t.className = "report";
    const head = t.createTHead().insertRow();
    columns.forEach(([name]) => { const th = document.createElement("th"); th.textContent = name; head.appendChild(th); });
    const body = t.createTBody();
    rows.forEach((r) => { const tr = body.insertRow(); columns.forEach(([, get, link]) => cell(tr, get(r), link && link(r))); });
    report.append(h, t);
  }

  function show(result, importId) {
    report.hidden = false;
    report.replaceChildren();
    const summary = document.createElement("p");
    summary.dataset.testid = "import-summary";
    summary.textContent = `${msg.msgImported}: ${result.imported} · ${msg.msgDuplicates}: ${result.duplicates} · ${msg.msgRejected}: ${result.rejected.length}`;
    report.appendChild(summary);
    const types = JSON.parse(msg.types);
    const byType = document.createElement("p");
    byType.dataset.testid = "import-by-type";
    byType.textContent = Object.entries(result.by_type || {}).map(([t, n]) => `${types[t] || t}: ${n}`).join(" · ");
    report.appendChild(byType);
    if (result.no_key) {  // drafts waiting for their key: one click to the list of them
      const line = document.createElement("p");
      const link = document.createElement("a");
      link.dataset.testid = "import-no-key";
      link.href = msg.noKeyUrl;
      link.textContent = `${result.no_key} ${msg.msgNoKey}`;
      line.appendChild(link);
      report.appendChild(line);
    }
    if (result.imported) {  // a test from exactly these questions, no editor in between
      const line = document.createElement("p");
      const link = document.createElement("a");
      link.dataset.testid = "import-to-quiz";
      link.className = "button primary";
      link.href = `/bai-kiem-tra/moi?nhap=${encodeURIComponent(importId)}`;
      link.textContent = msg.msgToQuiz;
      line.appendChild(link);
      report.appendChild(line);
    }
    const where = (r) => [r.where, r.line ? `${msg.msgLine} ${r.line}` : ""].filter(Boolean).join(" · ") || r.file;
    table(msg.msgRejected, result.rejected, [[msg.msgLine, where], [msg.msgReason, (r) => r.error]]);
    // Imported, but worth a look (an equation kept as its picture, …): reports kept before
    // warnings existed have none.
    table(msg.msgWarnings, result.warnings || [], [[msg.msgLine, where], [msg.msgNote, (r) => r.warning]]);
    // A question the importer may not read comes without id or similarity, only a note.
    const named = (r) => r.question !== null && r.question !== undefined;
    table(msg.msgDuplicates, result.duplicate_of, [
      [msg.msgLine, where],
      [msg.msgSame, (r) => (named(r) ? `#${r.question} (${Math.round(100 * r.similarity)}%)` : r.note),
        (r) => (named(r) ? `/cau-hoi/${r.question}` : null)],
    ]);
    table(msg.msgImported, result.ids.map((id) => ({ id })), [[msg.msgQuestion, (r) => `#${r.id}`, (r) => `/cau-hoi/${r.id}`]]);
  }

  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    bar.hidden = false;
    bar.value = 0;
    report.hidden = true;
    status.textContent = `${msg.msgUploading}…`;
    try {
      const started = await upload(new FormData(form));
      status.textContent = `${msg.msgProcessing}…`;
      bar.value = 0;
      const result = await follow(started.id);
      status.textContent = msg.msgDone;
      show(result, started.id);
    } catch (error) {
      status.textContent = `${msg.msgFailed}: ${error.message}`;
    }
  });
})();
