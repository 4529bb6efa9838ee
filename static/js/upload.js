// Resumable upload of a content file (kholieu/content/uploads.py describes the server side).
// Parts go to presigned S3 URLs when the server gives them, else through the app; a part that
// fails is retried with backoff; the upload id is kept in localStorage, so after a reload or a
// dropped connection choosing the same file again sends only the parts still missing.
(() => {
  const form = document.querySelector("form[data-upload]");
  if (!form) return;
  const msg = form.dataset;
  const bar = form.querySelector("progress");
  const status = form.querySelector(".upload-status");
  const say = (text) => { status.textContent = text; };

  async function api(method, url, body) {
    const response = await window.kholieuApi.send(method, url, body);
    const data = response.status === 204 ? null : await response.json();
    if (!response.ok) throw new Error(data && data.error ? data.error.message : response.statusText);
    return data;
  }

  function sendPart(url, blob, viaApp, onProgress) {
    return new Promise((resolve, reject) => {
      const xhr = new XMLHttpRequest();
      xhr.open("PUT", url);
      if (viaApp) {  // the token is for the app only, never for a presigned URL on another host
        Object.entries(window.kholieuApi.headers()).forEach(([k, v]) => xhr.setRequestHeader(k, v));
      }
      xhr.upload.onprogress = (e) => onProgress(e.loaded);
      xhr.onload = () => (xhr.status < 300 ? resolve() : reject(new Error(xhr.responseText)));
      xhr.onerror = () => reject(new Error("network"));
      xhr.send(blob);
    });
  }

  async function withRetries(task) {
    for (let attempt = 0; ; attempt++) {
      try { return await task(); } catch (error) {
        if (attempt >= 5) throw error;
        say(`${msg.msgRetrying} (${attempt + 1})…`);
        await new Promise((r) => setTimeout(r, 1000 * 2 ** attempt));
      }
    }
  }

  async function openUpload(file, itemId) {
    const key = `kholieu-upload:${itemId}:${file.name}:${file.size}:${file.lastModified}`;
    const known = localStorage.getItem(key);
    if (known) {
      try {
        const upload = await api("GET", `/api/v1/uploads/${known}`);
        if (upload.status === "open") { say(msg.msgResuming); return { upload, key }; }
      } catch (e) { /* gone: start again */ }
    }
    const upload = await api("POST", "/api/v1/uploads",
                             { item_id: Number(itemId), filename: file.name, size: file.size });
    localStorage.setItem(key, upload.id);
    return { upload, key };
  }

  // The server checks the file in a job that survives what this page cannot see: while the
  // store or the database is away the job waits (its status "retrying", its error saying
  // what for) and a poll may get a 503. Neither is the upload failing: say so, keep polling.
  async function waitForJob(jobId) {
    for (;;) {
      try {
        const job = await api("GET", `/api/v1/jobs/${jobId}`);
        const waiting = job.status === "retrying" && job.error ? ` (${job.error})` : "";
        say(`${msg.msgChecking} ${Math.round(job.progress * 100)}%…${waiting}`);
        if (job.status === "succeeded" || job.status === "failed") return;
      } catch (error) {
        say(`${msg.msgChecking}… ${msg.msgRetrying}`);
      }
      await new Promise((r) => setTimeout(r, 1000));
    }
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const file = form.querySelector("input[type=file]").files[0];
    if (!file) return;
    form.querySelector("button").disabled = true;
    bar.hidden = false;
    try {
      const { upload, key } = await openUpload(file, form.dataset.item);
      const done = new Set(upload.received.map((p) => p.number));
      let sent = upload.received.reduce((sum, p) => sum + p.size, 0);
      const show = (extra) => {
        bar.value = Math.floor(((sent + extra) / file.size) * 100);
        say(`${msg.msgSending} ${bar.value}%`);
      };
      show(0);
      for (let n = 1; n <= upload.parts; n++) {
        if (done.has(n)) continue;
        const blob = file.slice((n - 1) * upload.part_size, Math.min(n * upload.part_size, file.size));
        const viaApp = !upload.part_urls;
        const url = viaApp ? `/api/v1/uploads/${upload.id}/parts/${n}` : upload.part_urls[n - 1];
        await withRetries(() => sendPart(url, blob, viaApp, show));
        sent += blob.size;
        show(0);
      }
      const finished = await api("POST", `/api/v1/uploads/${upload.id}/complete`);
      localStorage.removeItem(key);
      await waitForJob(finished.job_id);
      const final = await withRetries(() => api("GET", `/api/v1/uploads/${upload.id}`));
      if (final.status === "done") { say(msg.msgDone); window.location.reload(); }
      else say(`${msg.msgFailed}: ${final.error}`);
    } catch (error) {
      say(`${msg.msgFailed}: ${error.message}`);
    } finally {
      form.querySelector("button").disabled = false;
    }
  });
})();
