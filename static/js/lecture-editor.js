// The lecture text's live preview (templates/editor/_fields.html): as the editor types, the
// server renders the text exactly as the content page will (POST /api/v1/content/preview:
// Markdown, sanitised) and KaTeX typesets its formulas here (window.typesetMath, app.js).
// Only the answer to the latest text is shown; a failure says so under the preview.
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("[data-lecture-editor]").forEach((editor) => {
    const input = editor.querySelector("textarea");
    const preview = editor.querySelector("[data-preview]");
    const status = editor.querySelector("[data-preview-status]");
    let timer = null;
    let asked = 0;
    const show = (html) => {
      if (html) {
        preview.innerHTML = html;
        window.typesetMath(preview);
      } else {
        const empty = document.createElement("p");
        empty.className = "muted";
        empty.textContent = preview.dataset.empty;
        preview.replaceChildren(empty);
      }
    };
    const refresh = async () => {
      const mine = ++asked;
      try {
        const response = await window.kholieuApi.send(
          "POST", "/api/v1/content/preview", { body: input.value },
        );
        if (!response.ok) throw new Error(String(response.status));
        const answer = await response.json();
        if (mine !== asked) return; // a later text's answer is the one to show
        show(answer.html);
        status.textContent = "";
        editor.dataset.previewed = String(mine);
      } catch (error) {
        if (mine === asked) status.textContent = editor.dataset.msgFailed;
      }
    };
    input.addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(refresh, 250);
    });
  });
});
