// The guest screen: who is on air and who is next (masked names), their history with the department, notes.
(function () {
  "use strict";
  const S = JSON.parse(document.getElementById("strings").textContent);
  const esc = CallinLive.escapeHtml;
  const $ = (id) => document.getElementById(id);

  function localTime(iso, withSeconds) {
    if (!iso) return "";
    const options = {timeZone: "Asia/Shanghai", hour12: false, hour: "2-digit", minute: "2-digit"};
    if (withSeconds) options.second = "2-digit";
    return new Date(iso).toLocaleTimeString("zh-CN", options);
  }

  function localDate(iso) {
    return iso ? new Date(iso).toLocaleDateString("zh-CN", {timeZone: "Asia/Shanghai"}) : "";
  }

  function place(call) {
    return [call.town && call.town.name, call.community && call.community.name]
      .filter(Boolean).join(" · ");
  }

  // With no live show of this department, ask every 15 s and open it when it goes live.
  function waitForShow(seconds, departmentId, exceptId) {
    setInterval(() => {
      CallinApi.get("/shows?state=live").then((data) => {
        const live = (data.shows || []).some((s) => s.id !== exceptId &&
          (!departmentId || (s.department && s.department.id === departmentId)));
        if (live) window.location.reload();
      }).catch((error) => {
        if (error.status === 401) window.location.reload();
      });
    }, seconds * 1000);
  }

  const root = $("guest");
  if (!root) {
    const idle = $("studio-idle");
    waitForShow(Number(idle.dataset.pollSeconds) || 15, Number(idle.dataset.departmentId) || null, null);
    return;
  }

  const showId = Number(root.dataset.showId);
  let version = -1;
  let ended = false;

  function outcomeText(item) {
    if (!item.outcome) return S.no_outcome;
    return S.outcomes[item.outcome] || item.outcome;
  }

  function historyBlock(call) {
    const items = call.history || [];
    if (!items.length) return "";
    return '<div class="guest-history"><div class="guest-history-title">' + esc(S.history) +
      "</div><ol>" + items.map((h) =>
        '<li><span class="date">' + esc(localDate(h.date)) + "</span>" + esc(h.topic || "—") +
        '<span class="outcome">' + esc(outcomeText(h)) + "</span></li>").join("") + "</ol></div>";
  }

  // A text read on air (SMS or web message) is marked, whatever the page's words say.
  function textTag(call) {
    if (call.kind !== "text") return "";
    const label = (S.channels && S.channels[call.source]) || "✉";
    return '<span class="tag tag-quiet tag-text" data-testid="text-badge">' + esc(label) + "</span>";
  }

  function callBody(call, topicTestId, position) {
    return '<div class="guest-head">' +
      (position ? '<span class="pos">' + position + "</span>" : "") + textTag(call) +
      '<span class="guest-name">' + esc(call.name || "—") + "</span>" +
      '<span class="guest-place">' + esc(place(call)) + "</span>" +
      (call.category ? '<span class="guest-category">' + esc(call.category.name) + "</span>" : "") +
      (call.urgency === "urgent" ? '<span class="tag tag-urgent">' + esc(S.urgent) + "</span>" : "") +
      "</div>" +
      '<div class="guest-topic"' + (topicTestId ? ' data-testid="' + topicTestId + '"' : "") + ">" +
      esc(call.topic || "—") + "</div>" +
      (call.detail ? '<div class="guest-detail">' + esc(call.detail) + "</div>" : "") +
      historyBlock(call);
  }

  function renderOnAir(call) {
    const card = $("guest-on-air");
    card.classList.toggle("is-empty", !call);
    card.classList.toggle("is-text", Boolean(call && call.kind === "text"));
    card.dataset.callId = call ? call.id : "";
    card.innerHTML = call ? callBody(call, "guest-on-air-topic")
      : '<div class="guest-topic empty" data-testid="guest-on-air-topic">' + esc(S.no_call) + "</div>";
  }

  function renderNext(ready) {
    const list = $("guest-next-list");
    list.innerHTML = ready.length ? ready.map((call, i) =>
      '<li class="guest-card' + (call.kind === "text" ? " is-text" : "") +
      '" data-testid="guest-next-row-' + call.id + '" data-call-id="' + call.id + '">' +
      callBody(call, null, i + 1) + "</li>").join("")
      : '<li class="empty">' + esc(S.queue_empty) + "</li>";
  }

  function renderNotes(notes) {
    const list = $("guest-notes");
    const newest = notes.slice().reverse();
    list.innerHTML = newest.length ? newest.map((note) => {
      const mine = note.author_role === "guest";
      const who = mine ? S.you : (note.author || S.roles[note.author_role] || note.author_role);
      const text = (note.canned && S.canned[note.canned]) || note.text;
      return '<li class="note' + (note.canned ? " canned" : "") + (mine ? " mine" : "") + '">' +
        '<div class="text">' + esc(text) + '</div><div class="meta">' + esc(who) + " → " +
        esc(S.recipients[note.recipient] || note.recipient) + " · " + esc(localTime(note.created_at)) +
        "</div></li>";
    }).join("") : '<li class="empty">' + esc(S.no_notes) + "</li>";
  }

  function apply(state) {
    if (!state || state.show_id !== showId || state.version <= version) return;
    version = state.version;
    const calls = state.calls || [];
    renderOnAir(calls.find((c) => c.state === "on_air"));
    renderNext(calls.filter((c) => c.state === "ready")
      .sort((a, b) => (a.position ?? 1e9) - (b.position ?? 1e9) || a.id - b.id));
    renderNotes(state.notes || []);
    if (state.state === "ended" && !ended) {
      ended = true;
      $("guest-ended").hidden = false;
      waitForShow(15, Number((state.show.department || {}).id) || null, showId);
    }
  }

  function sendNote(event) {
    event.preventDefault();
    const input = $("guest-note-text");
    const text = input.value.trim();
    const problem = $("guest-note-error");
    if (!text) return;
    const recipient = $("guest-note-recipient").value;
    CallinApi.post("/shows/" + showId + "/notes", {text, recipient}).then(() => {
      input.value = "";
      problem.textContent = S.sent;
      problem.classList.add("ok");
      setTimeout(() => { if (problem.classList.contains("ok")) problem.textContent = ""; }, 4000);
    }).catch((error) => {
      problem.classList.remove("ok");
      const fields = error.fields || {};
      problem.textContent = error instanceof CallinApi.ApiError
        ? [error.message].concat(Object.values(fields)).join(" ") : S.network;
    });
  }

  function onStatus(status, message) {
    const badge = document.querySelector("[data-testid=connection-status]");
    badge.dataset.status = status;
    badge.textContent = S[status] || status;
    badge.title = message || "";
  }

  function tick() {
    $("guest-clock").textContent = localTime(new Date().toISOString(), true);
  }

  $("guest-note-form").addEventListener("submit", sendNote);
  setInterval(tick, 1000);
  tick();
  CallinLive.watchShow(showId, apply, onStatus);
})();
