// A package's frame (a lab, a SCORM lesson): "Toàn màn hình" puts its stage (the frame's
// container on this page) in full screen with the Fullscreen API. Where the browser has none
// (an iPhone's Safari), the button stays what it is in the page: a link to the package alone
// on a page of its own (/content/{id}/toan-man-hinh). The frame keeps its sandbox either way.
(() => {
  const stage = document.querySelector("[data-lab-stage]");
  if (!stage) return;
  const open = document.querySelector("[data-lab-fullscreen]");
  const exit = stage.querySelector("[data-lab-exit]");
  const request = stage.requestFullscreen || stage.webkitRequestFullscreen;
  const enabled = document.fullscreenEnabled || document.webkitFullscreenEnabled;
  const current = () => document.fullscreenElement || document.webkitFullscreenElement || null;
  const leave = () => (document.exitFullscreen || document.webkitExitFullscreen).call(document);

  const changed = () => {
    const on = current() === stage;
    stage.classList.toggle("is-fullscreen", on);
    exit.hidden = !on;
    if (!on && open) open.focus({ preventScroll: true });
  };
  document.addEventListener("fullscreenchange", changed);
  document.addEventListener("webkitfullscreenchange", changed);
  exit.addEventListener("click", () => { if (current()) leave(); });

  if (!open || !request || !enabled) return;  // the link opens the page of its own
  open.setAttribute("role", "button");
  open.addEventListener("click", (event) => {
    event.preventDefault();
    Promise.resolve(request.call(stage)).catch(() => { window.location.href = open.href; });
  });
})();
