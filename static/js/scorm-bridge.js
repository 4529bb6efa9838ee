// On the content page: forwards what a SCORM package in the sandboxed frame reports to the API,
// for a signed-in learner. Only messages from that frame's window are believed.
(() => {
  const frame = document.querySelector("iframe[data-scorm-item]");
  if (!frame || !frame.dataset.signedIn) return;
  const csrf = document.querySelector('meta[name="csrf-token"]').content;
  let pending = null;
  window.addEventListener("message", (event) => {
    if (event.source !== frame.contentWindow) return;
    const data = event.data || {};
    if (data.type !== "kholieu-scorm" || typeof data.cmi !== "object") return;
    pending = { version: data.version, cmi: data.cmi };
    queueMicrotask(send);
  });
  async function send() {
    if (!pending) return;
    const body = JSON.stringify(pending);
    pending = null;
    await fetch(`/api/v1/content/${frame.dataset.scormItem}/scorm`, {
      method: "POST", credentials: "same-origin", body,
      headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf },
    });
  }
})();
