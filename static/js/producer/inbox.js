// The producer's inbox of texts (SMS and web messages) during the show: put one into the queue to
// be read on air, turn it into a case, or dismiss it. The list comes with every pushed state; the
// case/dismiss prompt is static DOM below the list, so a push never destroys what is typed there.
// Also marks texts in the call lists, so a text in the queue is never mistaken for a caller.
(function () {
  "use strict";

  const P = window.CallinProducer;
  if (!P.root) return;
  const {S, esc, $, $$, testId, state} = P;
  const list = testId("inbox-list");
  const count = document.getElementById("inbox-count");
  const prompt = document.getElementById("inbox-prompt");
  const promptTitle = $("[data-role=title]", prompt);
  const promptLabel = $("[data-role=label]", prompt);
  const promptInput = $("[data-role=input]", prompt);
  const promptConfirm = $("[data-role=confirm]", prompt);
  const seen = new Set();
  const freshUntil = new Map();   // message id -> time until which it is highlighted as new
  let messages = new Map();
  let open = null;                // {id, action: "case" | "dismiss"}
  let first = true;

  function channelName(channel) {
    return (S.channels && S.channels[channel]) || channel;
  }

  function rowHtml(m) {
    const isNew = (freshUntil.get(m.id) || 0) > Date.now();
    return '<li class="pc-inbox-row' + (isNew ? " is-new" : "") + '" data-message-id="' + m.id +
      '" data-testid="inbox-row-' + m.id + '" tabindex="0">' +
      '<div class="pc-row-main"><span class="pc-text-badge channel-' + esc(m.channel) + '">' +
        esc(channelName(m.channel)) + "</span>" +
      '<span class="pc-phone">' + esc(m.phone) + "</span>" +
      (m.name ? '<span class="pc-name">' + esc(m.name) + "</span>" : "") +
      '<span class="pc-when" title="' + esc(P.timeOf(m.received_at, true)) + '">' +
        esc(P.timeOf(m.received_at)) + "</span></div>" +
      '<div class="pc-inbox-text" data-testid="inbox-text-' + m.id + '">' + esc(m.text) + "</div>" +
      '<div class="pc-row-sub">' + (m.geography ? '<span class="pc-geo">' + esc(m.geography) + "</span>" : "") + "</div>" +
      '<div class="pc-row-actions">' +
      '<button type="button" class="primary" data-act="queue" data-testid="inbox-queue-' + m.id + '">' + esc(S.inbox_queue) + "</button>" +
      '<button type="button" data-act="case" data-testid="inbox-case-' + m.id + '">' + esc(S.inbox_case) + "</button>" +
      '<button type="button" data-act="dismiss" data-testid="inbox-dismiss-' + m.id + '">' + esc(S.inbox_dismiss) + "</button>" +
      "</div></li>";
  }

  // Keep rows whose HTML did not change, so a push never steals focus from a row or its buttons.
  function replaceRows(rows) {
    const active = document.activeElement;
    const focusId = active && list.contains(active) ? active.dataset.testid : null;
    const old = new Map();
    Array.from(list.children).forEach((el) => old.set(el.dataset.messageId || "empty", el));
    const template = document.createElement("template");
    if (!rows.length) rows = ['<li class="pc-empty">' + esc(S.inbox_empty) + "</li>"];
    rows.forEach((html, index) => {
      template.innerHTML = html.trim();
      const fresh = template.content.firstElementChild;
      const key = fresh.dataset.messageId || "empty";
      let el = old.get(key);
      if (!el || el.rowHtml !== html) {
        if (el) el.remove();
        el = fresh;
        el.rowHtml = html;
      }
      old.delete(key);
      if (list.children[index] !== el) list.insertBefore(el, list.children[index] || null);
    });
    old.forEach((el) => el.remove());
    if (focusId && !list.contains(document.activeElement)) {
      const again = $('[data-testid="' + focusId + '"]', list);
      if (again) again.focus();
    }
  }

  P.renderInbox = function (inbox) {
    const now = Date.now();
    (inbox || []).forEach((m) => {
      if (!first && !seen.has(m.id)) freshUntil.set(m.id, now + 4000);
      seen.add(m.id);
    });
    first = false;
    messages = new Map((inbox || []).map((m) => [m.id, m]));
    replaceRows((inbox || []).map(rowHtml));
    count.textContent = messages.size;
    count.classList.toggle("has-texts", messages.size > 0);
    if (open && !messages.has(open.id)) {
      closePrompt();
      P.flash(S.inbox_gone, "error");
    }
  };

  // ---------------------------------------------------------------- texts in the call lists
  P.markTexts = function () {
    $$("[data-call-id]", P.root).forEach((el) => {
      const call = state.calls.get(Number(el.dataset.callId));
      const isText = Boolean(call && call.kind === "text");
      el.classList.toggle("is-text", isText);
      if (isText) el.dataset.textLabel = channelName(call.source);
    });
  };

  // ---------------------------------------------------------------- actions
  function afterFailure(error) {
    P.failed(error);
    if (error && error.status === 409) P.refetch();
  }

  function queueText(id, button) {
    if (button) button.disabled = true;
    CallinApi.post("/inbox/" + id + "/queue")
      .then(() => P.flash(S.inbox_queued))
      .catch((error) => { if (button) button.disabled = false; afterFailure(error); });
  }

  function openPrompt(id, action) {
    const m = messages.get(id);
    if (!m) return;
    open = {id, action};
    prompt.hidden = false;
    prompt.dataset.action = action;
    promptTitle.textContent = (action === "case" ? S.inbox_case_title : S.inbox_dismiss_title) +
      ": " + m.text.slice(0, 60);
    promptLabel.textContent = action === "case" ? S.inbox_case_label : S.inbox_dismiss_label;
    promptInput.maxLength = action === "case" ? 200 : 300;
    promptInput.value = action === "case" ? (m.text.split(/\r?\n/).find((l) => l.trim()) || "").trim().slice(0, 40) : "";
    promptConfirm.textContent = action === "case" ? S.inbox_case_confirm : S.inbox_dismiss_confirm;
    promptConfirm.className = "small " + (action === "case" ? "primary" : "danger");
    promptInput.focus();
    promptInput.select();
  }

  function closePrompt() {
    open = null;
    prompt.hidden = true;
  }

  function confirmPrompt() {
    if (!open) return;
    const {id, action} = open;
    const value = promptInput.value.trim();
    const body = action === "case" ? (value ? {title: value} : {}) : {reason: value};
    promptConfirm.disabled = true;
    CallinApi.post("/inbox/" + id + "/" + action, body)
      .then((data) => {
        closePrompt();
        P.flash(action === "case" ? P.fmt(S.inbox_case_done, {number: data.case.number}) : S.inbox_dismissed);
      })
      .catch(afterFailure)
      .finally(() => { promptConfirm.disabled = false; });
  }

  list.addEventListener("click", (event) => {
    const button = event.target.closest("[data-act]");
    const row = event.target.closest("[data-message-id]");
    if (!button || !row) return;
    const id = Number(row.dataset.messageId);
    if (button.dataset.act === "queue") queueText(id, button);
    else openPrompt(id, button.dataset.act);
  });

  // Keys on a focused row: ↑/↓ move, Enter puts it in the queue, C case, D dismiss.
  list.addEventListener("keydown", (event) => {
    const row = event.target.closest("[data-message-id]");
    if (!row || event.target !== row || event.altKey || event.ctrlKey || event.metaKey) return;
    const id = Number(row.dataset.messageId);
    const rows = $$(":scope > [data-message-id]", list);
    const key = event.key.toLowerCase();
    if (event.key === "ArrowUp" || event.key === "ArrowDown") {
      const next = rows[rows.indexOf(row) + (event.key === "ArrowUp" ? -1 : 1)];
      if (next) next.focus();
    } else if (event.key === "Enter") {
      queueText(id, $("[data-act=queue]", row));
    } else if (key === "c" || key === "d") {
      openPrompt(id, key === "c" ? "case" : "dismiss");
    } else {
      return;
    }
    event.preventDefault();
    event.stopPropagation();
  });

  promptConfirm.addEventListener("click", confirmPrompt);
  $("[data-role=cancel]", prompt).addEventListener("click", closePrompt);
  prompt.addEventListener("keydown", (event) => {
    if (event.key === "Enter") { event.preventDefault(); confirmPrompt(); }
    if (event.key === "Escape") { event.preventDefault(); event.stopPropagation(); closePrompt(); }
  });

  // T (outside text fields) jumps to the oldest text in the inbox.
  document.addEventListener("keydown", (event) => {
    if (event.altKey || event.ctrlKey || event.metaKey || event.key.toLowerCase() !== "t") return;
    if (event.target.closest("input, textarea, select, [contenteditable]")) return;
    const row = $("[data-message-id]", list);
    if (row) { event.preventDefault(); row.focus(); }
  });
})();
