// On the content page: forwards what a SCORM package in the sandboxed frame reports to the API,
// for a signed-in learner. Only messages from that frame's window are believed.
(() => {
  const frame = document.querySelector("iframe[data-scorm-item]");
  if (!frame || !frame.dataset.signedIn) return;
  // One request at a time, always with the latest state: two POSTs in flight could reach the
  // server out of order, and the older, partial state would win.
  let pending = null;
  let sending = null;
  window.addEventListener("message", (event) => {
    if (event.source !== frame.contentWindow) return;
    const data = event.data || {};
    if (data.type !== "kholieu-scorm" || typeof data.cmi !== "object") return;
    pending = { version: data.version, cmi: data.cmi };
    if (!sending) sending = flush();
  });
  async function flush() {
    while (pending) {
      const state = pending;
      pending = null;
      try {
        await window.kholieuApi.send("POST", `/api/v1/content/${frame.dataset.scormItem}/scorm`, state);
      } catch (error) {
        pending = pending || state; // offline for a moment: try again with the next
        break;
      }
    }
    sending = null;
  }
})();
