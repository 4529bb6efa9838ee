// Small page behaviours: the phone menu, forms that ask first (data-confirm) and KaTeX
// rendering of $…$, \(…\) and \[…\].
// window.typesetMath(node) is the one place formulas are typeset; page scripts that add
// content later call it too. KaTeX (its script, auto-render and stylesheet, about 80 KB
// compressed) is fetched only when the node holds a formula, once per page: the home page
// and most lists never load it. Its versioned URLs are on this script's tag (base.html).
(() => {
  const mathAssets = document.currentScript ? document.currentScript.dataset : {};
  const MATH = /\\\(|\\\[|\$/;
  let katexLoading = null;

  function loadScript(src) {
    return new Promise((resolve, reject) => {
      const script = document.createElement("script");
      script.src = src;
      script.async = false;
      script.onload = resolve;
      script.onerror = () => reject(new Error("could not load " + src));
      document.head.appendChild(script);
    });
  }

  function loadKatex() {
    if (window.renderMathInElement) return Promise.resolve();
    if (!katexLoading) {
      const css = document.createElement("link");
      css.rel = "stylesheet";
      css.href = mathAssets.katexCss;
      document.head.appendChild(css);
      katexLoading = loadScript(mathAssets.katex).then(() => loadScript(mathAssets.katexAuto));
    }
    return katexLoading;
  }

  const decimalCommas = (tex) => tex.replace(/(\d),(?=\d)/g, "$1{,}");
  window.decimalCommas = decimalCommas;

  window.typesetMath = (node) => {
    if (!node || !MATH.test(node.textContent || "")) return Promise.resolve();
    return loadKatex().then(() => {
      window.renderMathInElement(node, {
        delimiters: [
          { left: "\\[", right: "\\]", display: true },
          { left: "$$", right: "$$", display: true },
          { left: "\\(", right: "\\)", display: false },
          { left: "$", right: "$", display: false },
        ],
        throwOnError: false,
        // a decimal comma (36,5) is one number, not a list: "{,}" keeps KaTeX from spacing it
        preProcess: decimalCommas,
      });
    });
  };
})();

// A mark as Vietnamese score sheets write it: 8.75 → "8,75" (two decimals at most), the same
// as the templates' ``comma`` filter (kholieu/web/templating.py).
window.decimalComma = (value) => {
  if (value === null || value === undefined || value === "") return "";
  const number = Number(value);
  if (!Number.isFinite(number)) return String(value);
  return String(Math.round(number * 100) / 100).replace(".", ",");
};

// A form whose action cannot be undone says so first: <form data-confirm="…">.
document.addEventListener("submit", (event) => {
  const question = event.target.dataset && event.target.dataset.confirm;
  if (question && !window.confirm(question)) event.preventDefault();
});

// <button data-print>: the browser's print dialog (a sheet of password slips).
document.addEventListener("click", (event) => {
  if (event.target.closest && event.target.closest("[data-print]")) window.print();
});

document.addEventListener("DOMContentLoaded", () => {
  const toggle = document.querySelector(".menu-toggle");
  const nav = document.getElementById("nav");
  if (toggle && nav) {
    toggle.addEventListener("click", () => {
      const open = nav.classList.toggle("open");
      toggle.setAttribute("aria-expanded", String(open));
    });
  }
  window.typesetMath(document.body);
});
