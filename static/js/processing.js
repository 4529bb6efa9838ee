// Live processing state on an editor's item page (unpacking, text extraction, transcoding):
// polls /api/v1/content/{id}/processing while the job runs, and reloads the page when it ends so
// the renditions, the retry button or the error show.
(() => {
  const box = document.querySelector("[data-processing]");
  if (!box || !["queued", "running", "retrying"].includes(box.dataset.status)) return;
  const bar = box.querySelector("progress");
  const status = box.querySelector("[role=status]");
  const url = `/api/v1/content/${box.dataset.item}/processing`;
  async function poll() {
    try {
      const response = await fetch(url, { credentials: "same-origin" });
      if (response.ok) {
        const job = (await response.json()).processing;
        if (!job) return;
        const percent = Math.round(job.progress * 100);
        bar.value = percent;
        // "retrying" with an error: a failed try, or a wait for storage or the database
        const why = job.status === "retrying" && job.error
          ? ` (${box.dataset.msgRetry}: ${job.error})` : "";
        status.textContent = `${box.dataset.msgRunning} ${percent}%${why}`;
        if (["succeeded", "failed", "cancelled"].includes(job.status)) {
          window.location.reload();
          return;
        }
      }
    } catch (error) { /* offline for a moment: try again */ }
    setTimeout(poll, 1500);
  }
  setTimeout(poll, 1000);
})();
