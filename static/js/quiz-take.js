// Taking a quiz: the questions from the API, every change autosaved (retried until the server
// has it), a timer against the server's deadline, a grid of answered / unanswered questions,
// one question per screen or all on one page, submission (automatic at the deadline) and the
// review the quiz allows. Reloading, or opening the quiz on another device, resumes.
(() => {
  const root = document.getElementById("quiz");
  if (!root) return;
  const msg = root.dataset;
  const num = (value) => window.decimalComma(value);  // 8,75: app.js
  const list = root.querySelector("[data-testid=questions]");
  const grid = root.querySelector("[data-testid=question-grid]");
  const timer = root.querySelector("[data-testid=timer]");
  const saveState = root.querySelector("[data-testid=save-state]");
  const submitButton = root.querySelector("[data-testid=submit]");
  const resultBox = root.querySelector("[data-testid=result]");
  const errorBox = root.querySelector("[data-testid=quiz-error]");
  const onePerScreen = root.querySelector("[data-testid=one-per-screen]");
  const nav = root.querySelector(".quiz-nav");
  let attempt = null;
  let answers = {};
  let pending = {};
  let saving = false;
  let clockOffset = 0;
  let current = 0;

  async function api(method, url, body) {
    const response = await window.kholieuApi.send(method, url, body);
    const data = await response.json().catch(() => ({}));
    if (!response.ok) {
      const error = new Error((data.error && data.error.message) || response.statusText);
      error.status = response.status;
      error.reason = data.error && data.error.details && data.error.details.reason;
      throw error;
    }
    return data;
  }

  function showError(text) {
    errorBox.textContent = text;
    errorBox.hidden = !text;
  }

  function answered(question) {
    const value = answers[question.id];
    if (value === undefined || value === null || value === "") return false;
    if (question.type === "true_false_group") return value.some((v) => v !== null);
    if (Array.isArray(value)) return value.length > 0;
    return true;
  }

  function drawGrid() {
    grid.replaceChildren();
    attempt.questions.forEach((question, index) => {
      const link = document.createElement("a");
      link.href = `#q-${question.id}`;
      link.textContent = String(index + 1);
      link.className = answered(question) ? "done" : "";
      link.setAttribute("aria-label", `${msg.msgQuestion} ${index + 1}${answered(question) ? "" : ", " + msg.msgUnanswered}`);
      link.addEventListener("click", (event) => {
        if (onePerScreen.checked) { event.preventDefault(); show(index, true); }
      });
      grid.appendChild(link);
    });
  }

  function change(question, value) {
    answers[question.id] = value;
    pending[question.id] = value;
    drawGrid();
    save();
  }

  async function save() {
    if (saving || !Object.keys(pending).length || attempt.submitted) return;
    saving = true;
    const batch = pending;
    pending = {};
    saveState.textContent = msg.msgSaving;
    try {
      const saved = await api("PUT", `/api/v1/attempts/${attempt.id}/answers`, { answers: batch });
      saveState.textContent = msg.msgSaved;
      saveState.dataset.state = "saved";
      merge(saved.answers || {});
    } catch (error) {
      if (error.status === 409 && error.reason === "answer_locked") {
        // a checked question's answer cannot change (another tab, an old page): show the
        // server's answers again, keep the rest of this page's for the next save
        saving = false;
        showError(error.message);
        const fresh = await api("GET", `/api/v1/attempts/${attempt.id}`).catch(() => null);
        if (fresh) {
          attempt.checks = fresh.checks || {};
          Object.keys(batch).forEach((qid) => {
            if (!(attempt.checks[qid] && attempt.checks[qid].final)) pending[qid] = batch[qid];
          });
          merge(fresh.answers || {});
        }
        if (Object.keys(pending).length) save();
        return;
      }
      if (error.status === 409) {  // time is up, or the teacher closed the quiz: submitted
        saving = false;
        saveState.textContent = msg.msgTimeup;
        saveState.dataset.state = "submitted";
        return finish();
      }
      if (error.status === 422) { showError(error.message); }
      else {
        pending = { ...batch, ...pending };  // keep them: retried below and on reconnection
        saveState.textContent = msg.msgOffline;
        saveState.dataset.state = "offline";
        setTimeout(save, 2000 + Math.random() * 2000);  // jitter: not all pages at once
      }
    }
    saving = false;
    if (Object.keys(pending).length) save();
  }

  function merge(stored) {
    // Another device saved a question later than this one: the server keeps the later answer,
    // and this page shows it (questions with a change not yet sent keep this page's).
    const changed = [];
    attempt.questions.forEach((question, index) => {
      if (question.id in pending) return;
      const theirs = stored[question.id] ?? null;
      if (JSON.stringify(theirs) === JSON.stringify(answers[question.id] ?? null)) return;
      answers[question.id] = theirs;
      const node = document.getElementById(`q-${question.id}`);
      const fresh = render(question, index);
      node.replaceWith(fresh);
      window.typesetMath(fresh);
      changed.push(index + 1);
    });
    if (!changed.length) return;
    saveState.textContent = `${msg.msgElsewhere}: ${msg.msgQuestion} ${changed.join(", ")}`;
    saveState.dataset.state = "elsewhere";
    drawGrid();
    show(current);
  }

  function input(type, name, value, checked, label, onChange) {
    const wrap = document.createElement("label");
    wrap.className = "choice";
    const box = document.createElement("input");
    box.type = type;
    box.name = name;
    box.value = value;
    box.checked = checked;
    box.addEventListener("change", onChange);
    const text = document.createElement("span");
    text.innerHTML = label;  // the bank's sanitised HTML (nh3 on the way in)
    wrap.append(box, text);
    return wrap;
  }

  function render(question, index) {
    const item = document.createElement("li");
    item.id = `q-${question.id}`;
    item.className = "card quiz-question";
    item.dataset.testid = "quiz-question";
    const head = document.createElement("p");
    head.className = "meta";
    head.textContent = `${msg.msgQuestion} ${index + 1} · ${num(question.points)} ${msg.msgPoints}`;
    const stem = document.createElement("div");
    stem.className = "stem";
    stem.innerHTML = question.stem;
    item.append(head, stem);
    const name = `answer-${question.id}`;
    const value = answers[question.id];
    if (question.type === "single_choice") {
      question.options.forEach((option, i) => item.appendChild(
        input("radio", name, i, value === i, `${"ABCDEFGH"[i]}. ${option}`, () => change(question, i))));
    } else if (question.type === "multiple_response") {
      question.options.forEach((option, i) => item.appendChild(
        input("checkbox", name, i, Array.isArray(value) && value.includes(i), `${"ABCDEFGH"[i]}. ${option}`, () => {
          const boxes = item.querySelectorAll(`input[name="${name}"]`);
          change(question, [...boxes].filter((b) => b.checked).map((b) => Number(b.value)));
        })));
    } else if (question.type === "true_false_group") {
      const current = Array.isArray(value) ? value.slice() : [null, null, null, null];
      question.statements.forEach((statement, i) => {
        const row = document.createElement("fieldset");
        row.className = "statement";
        const legend = document.createElement("legend");
        legend.innerHTML = `${"abcd"[i]}) ${statement}`;
        row.appendChild(legend);
        [[true, msg.msgTrue], [false, msg.msgFalse]].forEach(([truth, label]) => row.appendChild(
          input("radio", `${name}-${i}`, String(truth), current[i] === truth, label, () => {
            current[i] = truth;
            change(question, current.slice());
          })));
        item.appendChild(row);
      });
    } else {
      const area = document.createElement(question.type === "essay" ? "textarea" : "input");
      area.value = typeof value === "string" ? value : "";
      area.setAttribute("aria-label", msg.msgAnswer);
      if (question.type === "short_answer") area.maxLength = 200;
      area.addEventListener("input", () => change(question, area.value));
      item.appendChild(area);
    }
    if (attempt.mode === "practice" && attempt.checks_allowed > 0) {
      const check = document.createElement("button");
      check.type = "button";
      check.className = "button check";
      check.dataset.testid = "check";
      check.textContent = msg.msgCheck;
      const feedback = document.createElement("div");
      feedback.className = "feedback";
      feedback.dataset.testid = "feedback";
      feedback.setAttribute("aria-live", "polite");
      check.addEventListener("click", async () => {
        check.disabled = true;  // one check at a time: a double tap costs one try
        showError("");
        try {
          await flush();  // the answer checked is the one saved
          const result = await api("POST", `/api/v1/attempts/${attempt.id}/check`,
            { question_id: question.id, answer: answers[question.id] ?? null });
          attempt.checks = { ...(attempt.checks || {}), [question.id]: result };
          showCheck(item, question, result, check, feedback);
        } catch (error) {
          showError(error.message);
          check.disabled = false;
        }
      });
      item.append(check, feedback);
      const kept = (attempt.checks || {})[question.id];  // checked before a reload
      if (kept) showCheck(item, question, kept, check, feedback);
    }
    return item;
  }

  function showCheck(item, question, result, check, feedback) {
    // The verdict; once the question is settled (right, or its last try) the key and the
    // explanation, and the answer is locked, as the server holds it.
    feedback.replaceChildren();
    const verdict = document.createElement("p");
    verdict.className = "verdict";
    verdict.textContent = result.correct ? msg.msgRight : msg.msgWrong;
    feedback.appendChild(verdict);
    if (result.key !== undefined && result.key !== null && !result.correct) {
      const key = document.createElement("p");
      key.className = "key";
      key.dataset.testid = "check-key";
      key.textContent = `${msg.msgKey}: ${keyText(question, result.key)}`;
      feedback.appendChild(key);
    }
    if (result.explanation) {
      const why = document.createElement("div");
      why.className = "explanation";
      why.innerHTML = result.explanation;  // the bank's sanitised HTML
      feedback.appendChild(why);
    }
    feedback.dataset.state = result.correct ? "right" : "wrong";
    if (result.final) {
      item.classList.add("checked");
      item.querySelectorAll("input, textarea").forEach((node) => { node.disabled = true; });
      check.disabled = true;
      check.textContent = msg.msgChecked;
    } else {
      const left = attempt.checks_allowed - (result.tries || 0);
      const tries = document.createElement("p");
      tries.className = "tries";
      tries.textContent = msg.msgTriesLeft.replace("{n}", String(left));
      feedback.appendChild(tries);
      check.disabled = false;
    }
    window.typesetMath(feedback);
  }

  function show(index, moved = false) {
    current = Math.max(0, Math.min(index, attempt.questions.length - 1));
    [...list.children].forEach((node, i) => { node.hidden = onePerScreen.checked && i !== current; });
    nav.hidden = !onePerScreen.checked;
    if (onePerScreen.checked && moved && list.children[current]) {
      // the question's text below the sticky header (the page's scroll-padding is its height)
      list.children[current].scrollIntoView({ block: "start" });
    }
  }

  function keepBelowHead() {
    // Anything scrolled into view (the score, a question, a grid link's target, a focused
    // field) stops below the sticky header, whatever its height on this screen.
    const head = root.querySelector(".quiz-head");
    const fit = () => {
      document.documentElement.style.scrollPaddingTop = `${Math.ceil(head.getBoundingClientRect().height) + 8}px`;
    };
    fit();
    if (window.ResizeObserver) new ResizeObserver(fit).observe(head);
  }

  function tick() {
    if (!attempt.deadline || attempt.submitted) return;
    const left = Math.max(0, new Date(attempt.deadline).getTime() - (Date.now() + clockOffset));
    const minutes = Math.floor(left / 60000);
    const seconds = Math.floor((left % 60000) / 1000);
    timer.textContent = `${minutes}:${String(seconds).padStart(2, "0")}`;
    timer.hidden = false;
    if (left <= 0) return finish();
    setTimeout(tick, 500);
  }

  async function finish() {
    if (attempt.submitted) return;
    attempt.submitted = true;
    const data = await api("POST", `/api/v1/attempts/${attempt.id}/submit`);
    showResult(data);
  }

  function keyText(question, key) {
    // The key as the paper writes it: B; A, C; a) Đ b) S …; the expected text.
    const letter = (i) => "ABCDEFGH"[i];
    if (question.type === "single_choice") return letter(key);
    if (question.type === "multiple_response") return key.map(letter).join(", ");
    if (question.type === "true_false_group") {
      return key.map((v, i) => `${"abcd"[i]}) ${v ? msg.msgTrue : msg.msgFalse}`).join(" ");
    }
    return key === null || key === undefined ? "—" : String(key);
  }

  function showResult(data) {
    attempt.submitted = true;
    submitButton.hidden = true;
    timer.hidden = true;
    list.querySelectorAll("input, textarea, button").forEach((node) => { node.disabled = true; });
    root.classList.add("finished");
    resultBox.hidden = false;
    resultBox.replaceChildren();
    const score = document.createElement("p");
    score.className = "score";
    score.dataset.testid = "score";
    score.textContent = `${msg.msgScore}: ${num(data.score_10)} / 10 (${num(data.score)} / ${num(data.max_score)})`;
    resultBox.appendChild(score);
    // In view below the sticky header, and read out: focus moves to the score line.
    score.tabIndex = -1;
    score.focus({ preventScroll: true });
    resultBox.scrollIntoView({ block: "start" });
    if (data.review === "later") {
      const later = document.createElement("p");
      later.textContent = msg.msgLater;
      resultBox.appendChild(later);
    }
    (data.items || []).forEach((item) => {
      const node = document.getElementById(`q-${item.id}`);
      if (!node) return;
      node.classList.add(item.share >= 1 ? "right" : "wrong");
      const review = document.createElement("p");
      review.className = "review";
      review.dataset.testid = "review";
      const question = attempt.questions.find((q) => q.id === item.id);
      review.textContent = `${num(item.earned)} / ${num(item.points)} ${msg.msgPoints}. ` +
        (item.withheld ? `${msg.msgWithheld}. ` : `${msg.msgKey}: ${keyText(question, item.key)}. `);
      const explanation = document.createElement("span");
      explanation.innerHTML = item.explanation || "";  // the bank's sanitised HTML
      review.appendChild(explanation);
      node.appendChild(review);
      window.typesetMath(review);
    });
    const back = document.createElement("a");
    back.className = "button";
    back.href = `/lam-bai/${root.dataset.quiz}`;
    back.dataset.testid = "again";
    back.textContent = attempt.mode === "practice" ? msg.msgAgain : msg.msgBack;
    resultBox.appendChild(back);
  }

  async function start() {
    try {
      // The start screen's form began the attempt; this page only loads it.
      attempt = await api("GET", `/api/v1/attempts/${root.dataset.attempt}`);
    } catch (error) { showError(error.message); return; }
    clockOffset = new Date(attempt.now).getTime() - Date.now();
    answers = { ...attempt.answers };
    list.replaceChildren(...attempt.questions.map(render));
    window.typesetMath(list);
    drawGrid();
    submitButton.hidden = false;
    show(0);
    if (attempt.submitted) showResult(attempt);
    else tick();
  }

  async function flush() {
    // Wait for the autosave in flight and send what is left (up to ten seconds).
    for (let i = 0; i < 100 && (saving || Object.keys(pending).length); i++) {
      if (!saving) save();
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  submitButton.addEventListener("click", async () => {
    const left = attempt.questions.filter((q) => !answered(q)).length;
    if (!window.confirm(`${msg.msgConfirm}${left ? ` (${left} ${msg.msgUnanswered})` : ""}`)) return;
    await flush();
    await finish();
  });
  onePerScreen.addEventListener("change", () => show(current, true));
  nav.querySelector("[data-prev]").addEventListener("click", () => show(current - 1, true));
  nav.querySelector("[data-next]").addEventListener("click", () => show(current + 1, true));
  keepBelowHead();
  window.addEventListener("online", save);
  start();
})();
