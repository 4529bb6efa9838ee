// Small page behaviours: the phone menu, forms that ask first (data-confirm) and KaTeX
// rendering of $…$, \(…\) and \[…\].
// window.typesetMath(node) is the one place formulas are typeset; page scripts that add
// content later call it too.
window.typesetMath = (node) => {
  if (!window.renderMathInElement) return;
  window.renderMathInElement(node, {
    delimiters: [
      { left: "\\[", right: "\\]", display: true },
      { left: "$$", right: "$$", display: true },
      { left: "\\(", right: "\\)", display: false },
      { left: "$", right: "$", display: false },
    ],
    throwOnError: false,
  });
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
