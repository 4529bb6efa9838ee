// The video player: hls.js (static/vendor/hls) on a native <video>, or the browser's own HLS
// (Safari, iOS). Around it: a quality menu (automatic by default, each rung, audio only), speed
// 0.5–2×, a captions menu, a scrub bar with thumbnails from the WebVTT sprite track, keyboard
// shortcuts, and, for a signed-in learner, resuming where they stopped.
(() => {
  const box = document.querySelector("[data-player]");
  if (!box) return;
  const video = box.querySelector("video");
  const msg = box.dataset;
  const quality = box.querySelector("[data-quality]");
  const speed = box.querySelector("[data-speed]");
  const captions = box.querySelector("[data-captions]");
  const scrub = box.querySelector("[data-scrub]");
  const preview = box.querySelector("[data-scrub-preview]");
  const status = box.querySelector(".player-status");
  const positionUrl = `/api/v1/content/${box.dataset.item}/position`;
  let hls = null;
  // Nothing but the playlist is fetched before the learner presses play (preload="none" on
  // the <video>; hls.js with autoStartLoad off): a page opened on a phone costs no segment.
  let started = false;
  let pendingStart = 0;

  const clock = (s) => {
    s = Math.max(0, Math.floor(s));
    const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), sec = String(s % 60).padStart(2, "0");
    return h ? `${h}:${String(m).padStart(2, "0")}:${sec}` : `${m}:${sec}`;
  };

  // -- source ------------------------------------------------------------------------------
  function load(src, startAt) {
    const resume = () => { if (startAt > 0) video.currentTime = startAt; };  // native HLS
    if (window.Hls && window.Hls.isSupported()) {
      if (hls) hls.destroy();
      hls = new window.Hls({
        capLevelToPlayerSize: true, startLevel: -1, startPosition: startAt || -1,
        autoStartLoad: started,
      });
      pendingStart = startAt || -1;
      hls.on(window.Hls.Events.MANIFEST_PARSED, () => fillQualities());
      hls.on(window.Hls.Events.ERROR, (_, data) => {
        if (!data.fatal) return;
        if (data.type === window.Hls.ErrorTypes.NETWORK_ERROR) hls.startLoad();
        else if (data.type === window.Hls.ErrorTypes.MEDIA_ERROR) hls.recoverMediaError();
        else status.textContent = `${msg.msgError}: ${data.details}`;
      });
      hls.loadSource(src);
      hls.attachMedia(video);
    } else if (video.canPlayType("application/vnd.apple.mpegurl")) {
      video.src = src;  // native HLS picks its own quality
      video.addEventListener("loadedmetadata", resume, { once: true });
      quality.closest("label").hidden = true;
    } else {
      status.textContent = msg.msgUnsupported;
    }
  }

  function fillQualities() {
    if (quality.dataset.filled) return;
    quality.dataset.filled = "1";
    hls.levels
      .map((level, index) => ({ height: level.height, index }))
      .sort((a, b) => b.height - a.height)
      .forEach(({ height, index }) => quality.add(new Option(`${height}p`, String(index))));
    if (msg.audioOnly) quality.add(new Option(msg.msgAudio, "audio"));
  }

  quality.addEventListener("change", () => {
    const at = video.currentTime, playing = !video.paused;
    const wantAudio = quality.value === "audio";
    const onAudio = box.dataset.source === "audio";
    if (wantAudio !== onAudio) {
      box.dataset.source = wantAudio ? "audio" : "video";
      load(wantAudio ? msg.audioOnly : msg.src, at);
      if (playing) video.play().catch(() => {});
      if (wantAudio) return;
    }
    if (hls && !wantAudio) hls.currentLevel = quality.value === "auto" ? -1 : Number(quality.value);
  });

  video.addEventListener("play", () => {
    if (started) return;
    started = true;
    // from where the learner (or a script) put the playhead, else where they stopped last
    if (hls) hls.startLoad(video.currentTime > 0 ? video.currentTime : pendingStart);
  });

  // -- speed and captions --------------------------------------------------------------------
  speed.addEventListener("change", () => { video.playbackRate = Number(speed.value); });
  const showCaptions = (language) => {
    for (const track of video.textTracks) {
      if (track.kind !== "captions" && track.kind !== "subtitles") continue;
      track.mode = track.language === language ? "showing" : "disabled";
    }
    captions.value = language;
  };
  captions.addEventListener("change", () => showCaptions(captions.value));
  showCaptions(captions.value);
  let lastCaptions = captions.value || (captions.options[1] && captions.options[1].value) || "";

  // -- scrubbing with thumbnails -------------------------------------------------------------
  let thumbs = [];
  fetch(box.dataset.thumbnails).then((r) => (r.ok ? r.text() : "")).then((text) => {
    const seconds = (t) => t.split(":").reduce((sum, part) => sum * 60 + Number(part), 0);
    const blocks = text.replace(/\r/g, "").split("\n\n");
    for (const block of blocks) {
      const lines = block.trim().split("\n");
      const timing = lines.find((line) => line.includes("-->"));
      const target = lines[lines.length - 1];
      if (!timing || !target.includes("#xywh=")) continue;
      const [start, end] = timing.split("-->").map((t) => seconds(t.trim()));
      const [file, frag] = target.split("#xywh=");
      const [x, y, w, h] = frag.split(",").map(Number);
      thumbs.push({ start, end, url: new URL(file, box.dataset.thumbnails).href, x, y, w, h });
    }
  }).catch(() => { thumbs = []; });

  function showPreview(time) {
    const thumb = thumbs.find((t) => time >= t.start && time < t.end);
    preview.hidden = false;
    preview.querySelector("span").textContent = clock(time);
    const image = preview.querySelector(".scrub-image");
    image.hidden = !thumb;
    if (thumb) {
      Object.assign(image.style, {
        width: `${thumb.w}px`, height: `${thumb.h}px`,
        backgroundImage: `url("${thumb.url}")`, backgroundPosition: `-${thumb.x}px -${thumb.y}px`,
      });
    }
    const fraction = Number(scrub.max) ? time / Number(scrub.max) : 0;
    preview.style.left = `calc(${(fraction * 100).toFixed(2)}% - ${(thumb ? thumb.w : 60) / 2}px)`;
  }
  let dragging = false;
  scrub.addEventListener("input", () => { dragging = true; showPreview(Number(scrub.value)); });
  scrub.addEventListener("change", () => {
    dragging = false; preview.hidden = true; video.currentTime = Number(scrub.value);
  });
  scrub.addEventListener("pointermove", (event) => {
    const rect = scrub.getBoundingClientRect();
    showPreview(Math.max(0, Math.min(1, (event.clientX - rect.left) / rect.width)) * Number(scrub.max));
  });
  scrub.addEventListener("pointerleave", () => { if (!dragging) preview.hidden = true; });
  scrub.addEventListener("blur", () => { dragging = false; preview.hidden = true; });
  video.addEventListener("timeupdate", () => { if (!dragging) scrub.value = String(Math.floor(video.currentTime)); });

  // -- keyboard ------------------------------------------------------------------------------
  const RATES = [...speed.options].map((o) => Number(o.value));
  box.addEventListener("keydown", (event) => {
    if (event.target.closest("select, input, summary") || event.ctrlKey || event.metaKey || event.altKey) return;
    const seek = (by) => { video.currentTime = Math.max(0, Math.min(video.duration || 0, video.currentTime + by)); };
    const rate = (step) => {
      const next = RATES[Math.max(0, Math.min(RATES.length - 1, RATES.indexOf(video.playbackRate) + step))];
      if (next !== undefined) { video.playbackRate = next; speed.value = String(next); }
    };
    const actions = {
      " ": () => (video.paused ? video.play() : video.pause()), k: () => (video.paused ? video.play() : video.pause()),
      ArrowLeft: () => seek(-5), ArrowRight: () => seek(5), j: () => seek(-10), l: () => seek(10),
      ArrowUp: () => { video.volume = Math.min(1, video.volume + 0.1); },
      ArrowDown: () => { video.volume = Math.max(0, video.volume - 0.1); },
      m: () => { video.muted = !video.muted; },
      c: () => {
        if (captions.value) { lastCaptions = captions.value; showCaptions(""); } else showCaptions(lastCaptions);
      },
      "<": () => rate(-1), ">": () => rate(1),
      f: () => (document.fullscreenElement ? document.exitFullscreen() : box.requestFullscreen()),
    };
    const action = actions[event.key.length === 1 ? event.key.toLowerCase() : event.key] || actions[event.key];
    if (!action) return;
    event.preventDefault();
    action();
  });

  // -- resume where a signed-in learner stopped ----------------------------------------------
  let saved = 0;
  function savePosition(keepalive) {
    if (!box.dataset.signedIn || Math.abs(video.currentTime - saved) < 1) return;
    saved = video.currentTime;
    window.kholieuApi.send("PUT", positionUrl, { seconds: video.currentTime }, { keepalive }).catch(() => {});
  }
  let lastSave = 0;
  video.addEventListener("timeupdate", () => {
    if (Date.now() - lastSave > 10000) { lastSave = Date.now(); savePosition(false); }
  });
  video.addEventListener("pause", () => savePosition(false));
  window.addEventListener("pagehide", () => savePosition(true));

  async function start() {
    let at = 0;
    if (box.dataset.signedIn) {
      try {
        const response = await fetch(positionUrl, { credentials: "same-origin" });
        if (response.ok) at = (await response.json()).seconds;
      } catch (e) { at = 0; }
      const duration = Number(scrub.max);  // near either end, start from the beginning
      if (at < 3 || at > duration - Math.min(10, duration * 0.1)) at = 0;
      if (at) status.textContent = `${msg.msgResumed} ${clock(at)}`;
      saved = at;
    }
    box.dataset.source = "video";
    load(msg.src, at);
  }
  start();
})();
