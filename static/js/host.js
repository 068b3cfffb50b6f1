// The host screen: the call on air with its countdown, the queue, notes; N = next, E = end.
(function () {
  "use strict";
  const S = JSON.parse(document.getElementById("strings").textContent);
  const esc = CallinLive.escapeHtml;
  const $ = (id) => document.getElementById(id);
  const AIRED = ["done", "dropped"];
  const NEXT_SHOWN = 5;
  const RECENT_SHOWN = 5;
  const FLASH_MS = 8000;

  function localTime(iso, withSeconds) {
    if (!iso) return "";
    const options = {timeZone: "Asia/Shanghai", hour12: false, hour: "2-digit", minute: "2-digit"};
    if (withSeconds) options.second = "2-digit";
    return new Date(iso).toLocaleTimeString("zh-CN", options);
  }

  function place(call) {
    return [call.town && call.town.name, call.community && call.community.name]
      .filter(Boolean).join(" · ");
  }

  // Typing in a field must never move a call on air.
  function isTyping(target) {
    if (!target) return false;
    const tag = target.tagName;
    return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || target.isContentEditable;
  }

  // With no live show, ask every 15 s whether one has gone live, and open it.
  function waitForShow(seconds, exceptId) {
    setInterval(() => {
      CallinApi.get("/shows?state=live").then((data) => {
        if ((data.shows || []).some((s) => s.id !== exceptId)) window.location.reload();
      }).catch((error) => {
        if (error.status === 401) window.location.reload();  // logged out: the page sends to login
      });
    }, seconds * 1000);
  }

  const root = $("host");
  if (!root) {
    waitForShow(Number($("studio-idle").dataset.pollSeconds) || 15, null);
    return;
  }

  const showId = Number(root.dataset.showId);
  let state = null;
  let version = -1;
  let busy = false;
  let outcomeCall = null;
  let seenNotes = null;
  const flashUntil = {};
  let watcher = null;

  // ---- errors and commands ----

  function setError(message) {
    const line = $("host-error");
    line.textContent = message || "";
    line.classList.toggle("shown", Boolean(message));
    if (message) {
      line.classList.remove("pulse");
      void line.offsetWidth;  // restart the pulse animation
      line.classList.add("pulse");
    }
  }

  function messageOf(error) {
    return error instanceof CallinApi.ApiError ? error.message : S.network;
  }

  // Runs one command; a single one at a time, so a held or double key cannot fire twice.
  function command(run) {
    if (busy) return Promise.resolve(null);
    busy = true;
    root.classList.add("busy");
    return run().then((result) => {
      setError("");
      refreshIfOffline();
      return result;
    }).catch((error) => {
      setError(messageOf(error));
      return null;
    }).finally(() => {
      busy = false;
      root.classList.remove("busy");
    });
  }

  // The socket normally brings the new state; when it is down, read it over HTTP.
  function refreshIfOffline() {
    if (watcher && watcher.socket.connected) return;
    CallinApi.get("/shows/" + showId + "/queue").then(apply).catch(() => {});
  }

  function onAirCall() {
    return state ? state.calls.find((c) => c.state === "on_air") : null;
  }

  function nextCall() {
    command(() => CallinApi.post("/shows/" + showId + "/next"));
  }

  function endCall() {
    const call = onAirCall();
    if (!call) {
      setError(S.nothing_on_air);
      return;
    }
    command(() => CallinApi.post("/calls/" + call.id + "/end")).then((result) => {
      if (result) openOutcome(call);
    });
  }

  // ---- the outcome picker (the host may skip it) ----

  function openOutcome(call) {
    outcomeCall = {id: call.id, name: call.name, topic: call.topic};
    $("host-outcome-call").textContent = [call.name, call.topic].filter(Boolean).join(" · ");
    $("host-outcome-days").value = call.commitment_days || "";
    $("host-outcome").hidden = false;
  }

  function closeOutcome() {
    outcomeCall = null;
    $("host-outcome").hidden = true;
    if (document.activeElement === $("host-outcome-days")) $("host-outcome-days").blur();
  }

  function chooseOutcome(outcome) {
    if (!outcomeCall) return;
    const body = {outcome};
    if (outcome === "commitment") {
      const days = $("host-outcome-days").value.trim();
      if (!days) {
        $("host-outcome-days").focus();
      }
      body.commitment_days = days ? Number(days) : null;
    }
    const callId = outcomeCall.id;
    command(() => CallinApi.post("/calls/" + callId + "/outcome", body)).then((result) => {
      if (result && outcomeCall && outcomeCall.id === callId) closeOutcome();
    });
  }

  // ---- the quick note to the producer ----

  function sendNote(event) {
    event.preventDefault();
    const input = $("host-note-text");
    const text = input.value.trim();
    if (!text) return;
    command(() => CallinApi.post("/shows/" + showId + "/notes", {text, recipient: "producer"}))
      .then((result) => { if (result) input.value = ""; });
  }

  // ---- rendering ----

  function isText(call) {
    return Boolean(call && call.kind === "text");
  }

  function textTag(call) {
    return '<span class="tag tag-text" data-testid="text-badge">' +
      esc((S.channels && S.channels[call.source]) || call.source) + "</span>";
  }

  function nameOf(call) {
    return call.name || (isText(call) ? S.text_sender : "—");
  }

  function renderOnAir(call) {
    const panel = document.querySelector("[data-testid=host-on-air]");
    panel.classList.toggle("is-empty", !call);
    panel.classList.toggle("is-urgent", Boolean(call && call.urgency === "urgent"));
    panel.classList.toggle("is-text", isText(call));
    panel.dataset.callId = call ? call.id : "";
    // A text is read out: the whole text, big, instead of the one-line topic.
    $("host-onair-read").textContent = isText(call) ? (S["read_" + call.source] || S.read_text) : "";
    $("host-onair-text").textContent = isText(call) ? (call.text || call.topic || "") : "";
    $("host-onair-name").textContent = call ? nameOf(call) : "";
    $("host-onair-place").textContent = call ? place(call) : "";
    $("host-onair-topic").textContent = call ? (call.topic || "—") : S.no_call;
    $("host-onair-category").textContent = call && call.category ? call.category.name : (call ? "" : S.press_next);
    const note = $("host-onair-note");
    note.innerHTML = call && call.host_note
      ? '<span class="label">' + esc(S.host_note) + "</span> " + esc(call.host_note) : "";
    const badges = [];
    if (isText(call)) badges.push(textTag(call));
    if (call && call.urgency === "urgent") badges.push('<span class="tag tag-urgent">' + esc(S.urgent) + "</span>");
    if (call && call.from_elsewhere) badges.push('<span class="tag tag-quiet">' + esc(S.from_elsewhere) + "</span>");
    $("host-onair-badges").innerHTML = badges.join(" ");
  }

  function nextRow(call, index) {
    const late = CallinLive.secondsSince(call.ready_at) > state.show.wait_warning_s;
    return '<li class="host-next-row' + (call.urgency === "urgent" ? " is-urgent" : "") +
      (isText(call) ? " is-text" : "") +
      '" data-testid="host-next-row-' + call.id + '" data-call-id="' + call.id + '">' +
      '<span class="pos">' + (index + 1) + "</span>" +
      '<div class="who">' + (isText(call) ? textTag(call) : "") +
      '<span class="name">' + esc(nameOf(call)) + "</span>" +
      '<span class="place">' + esc(place(call)) + "</span>" +
      (call.urgency === "urgent" ? '<span class="tag tag-urgent">' + esc(S.urgent) + "</span>" : "") +
      '<span class="wait' + (late ? " late" : "") + '" data-since="' + esc(call.ready_at) + '">' +
      esc(CallinLive.clock(CallinLive.secondsSince(call.ready_at))) + "</span></div>" +
      '<div class="topic">' + esc(call.topic || "—") + "</div>" +
      (call.host_note ? '<div class="note"><span class="label">' + esc(S.host_note) + "</span> " +
        esc(call.host_note) + "</div>" : "") + "</li>";
  }

  function renderNext(ready) {
    const list = $("host-next-list");
    $("host-next-count").textContent = ready.length ? String(ready.length) : "";
    if (!ready.length) {
      list.innerHTML = '<li class="empty">' + esc(S.queue_empty) + "</li>";
      return;
    }
    let html = ready.slice(0, NEXT_SHOWN).map(nextRow).join("");
    if (ready.length > NEXT_SHOWN) {
      html += '<li class="more">+' + (ready.length - NEXT_SHOWN) + " " + esc(S.more) + "</li>";
    }
    list.innerHTML = html;
  }

  function outcomeText(call) {
    if (!call.outcome) return "";
    const label = S.outcomes[call.outcome] || call.outcome;
    return call.outcome === "commitment" && call.commitment_days
      ? label + " " + call.commitment_days + " " + S.days : label;
  }

  function renderRecent(aired) {
    const list = $("host-recent-list");
    if (!aired.length) {
      list.innerHTML = '<li class="empty">' + esc(S.nothing_aired) + "</li>";
      return;
    }
    list.innerHTML = aired.slice(0, RECENT_SHOWN).map((call) => {
      const result = outcomeText(call);
      return '<li data-call-id="' + call.id + '"><span class="time">' + esc(localTime(call.on_air_at)) +
        "</span>" + (isText(call) ? textTag(call) : "") + '<span class="name">' + esc(nameOf(call)) +
        '</span><span class="topic">' +
        esc(call.topic || "") + "</span>" +
        (call.state === "dropped" ? '<span class="dropped">' + esc(S.states.dropped) + "</span>" : "") +
        (result ? '<span class="outcome">' + esc(result) + "</span>"
          : '<button type="button" class="link-button" data-outcome-for="' + call.id + '">' +
            esc(S.set_outcome) + "</button>") + "</li>";
    }).join("");
  }

  function noteItem(note) {
    const mine = note.author_role === "host";
    const flashing = flashUntil[note.id] && flashUntil[note.id] > Date.now();
    const delay = flashing ? ' style="animation-delay:-' + (FLASH_MS - (flashUntil[note.id] - Date.now())) + 'ms"' : "";
    const call = note.call_id && state.calls.find((c) => c.id === note.call_id);
    const who = mine ? S.you : (note.author || S.roles[note.author_role] || note.author_role);
    const text = (note.canned && S.canned[note.canned]) || note.text;
    const aside = !mine && !["host", "all"].includes(note.recipient);  // e.g. producer → guest
    return '<li class="note' + (note.canned ? " canned" : "") + (mine ? " mine" : "") +
      (aside ? " aside" : "") +
      (flashing ? " note-new" : "") + '"' + delay + ' data-note-id="' + note.id + '">' +
      '<div class="text">' + esc(text) + "</div>" +
      '<div class="meta">' + esc(who) + " → " + esc(S.recipients[note.recipient] || note.recipient) +
      " · " + esc(localTime(note.created_at)) +
      (call ? " · " + esc(S.about_call) + " " + esc(call.name || call.topic || "") : "") + "</div></li>";
  }

  function renderNotes(notes) {
    const now = Date.now();
    if (seenNotes === null) {
      seenNotes = new Set(notes.map((n) => n.id));  // the first state: nothing is "new"
    }
    notes.forEach((n) => {
      if (!seenNotes.has(n.id)) {
        seenNotes.add(n.id);
        if (n.author_role !== "host") flashUntil[n.id] = now + FLASH_MS;
      }
    });
    const list = $("host-notes");
    const newest = notes.slice().reverse();
    list.innerHTML = newest.length ? newest.map(noteItem).join("")
      : '<li class="empty">' + esc(S.no_notes) + "</li>";
  }

  function renderEnded() {
    renderOnAir(null);
    $("host-onair-topic").textContent = S.show_ended;
    $("host-onair-category").textContent = "";
    if (root.classList.contains("ended")) return;
    root.classList.add("ended");
    waitForShow(15, showId);
  }

  function apply(next) {
    if (!next || next.show_id !== showId || next.version <= version) return;
    version = next.version;
    state = next;
    const calls = state.calls || [];
    const ready = calls.filter((c) => c.state === "ready")
      .sort((a, b) => (a.position ?? 1e9) - (b.position ?? 1e9) || a.id - b.id);
    renderOnAir(calls.find((c) => c.state === "on_air"));
    renderNext(ready);
    renderRecent(calls.filter((c) => AIRED.includes(c.state)));
    renderNotes(state.notes || []);
    tick();
    if (state.state === "ended") renderEnded();
  }

  // ---- every second: the countdown, the wait times, the clock ----

  function tickCountdown() {
    const call = onAirCall();
    const box = $("host-countdown");
    if (!call) {
      box.dataset.zone = "idle";
      $("host-countdown-value").textContent = "–";
      $("host-countdown-label").textContent = "";
      return;
    }
    const elapsed = CallinLive.secondsSince(call.on_air_at);
    const limit = call.airtime_limit_s || state.show.airtime_limit_s;
    if (!limit) {
      box.dataset.zone = "ok";
      $("host-countdown-value").textContent = CallinLive.clock(elapsed);
      $("host-countdown-label").textContent = S.elapsed;
      return;
    }
    const remaining = limit - elapsed;
    box.dataset.zone = remaining < 0 ? "over" : (remaining <= 30 ? "warn" : "ok");
    $("host-countdown-value").textContent = CallinLive.clock(remaining);
    $("host-countdown-label").textContent = (remaining < 0 ? S.over : S.remaining) +
      " · " + S.elapsed + " " + CallinLive.clock(elapsed);
  }

  function tick() {
    $("host-clock").textContent = localTime(new Date().toISOString(), true);
    if (!state) return;
    tickCountdown();
    document.querySelectorAll("#host-next-list .wait").forEach((el) => {
      const waited = CallinLive.secondsSince(el.dataset.since);
      el.textContent = CallinLive.clock(waited);
      el.classList.toggle("late", waited > state.show.wait_warning_s);
    });
    document.querySelectorAll("#host-notes .note.note-new").forEach((el) => {
      const id = Number(el.dataset.noteId);
      if (!(flashUntil[id] > Date.now())) el.classList.remove("note-new");
    });
  }

  // ---- keys and clicks ----

  function keyIs(event, letter, code) {
    return event.key.toLowerCase() === letter || event.code === code;
  }

  function onKey(event) {
    if (event.ctrlKey || event.metaKey || event.altKey || event.repeat) return;
    if (isTyping(event.target)) {
      if (event.key === "Escape") event.target.blur();
      if (event.target.id === "host-outcome-days" && event.key === "Enter") {
        event.preventDefault();
        chooseOutcome("commitment");
      }
      return;
    }
    let handled = true;
    if (keyIs(event, "n", "KeyN")) nextCall();
    else if (keyIs(event, "e", "KeyE")) endCall();
    else if (outcomeCall && keyIs(event, "1", "Digit1")) chooseOutcome("answered");
    else if (outcomeCall && keyIs(event, "2", "Digit2")) chooseOutcome("commitment");
    else if (outcomeCall && keyIs(event, "3", "Digit3")) chooseOutcome("field_visit");
    else if (outcomeCall && keyIs(event, "4", "Digit4")) chooseOutcome("no_issue");
    else if (outcomeCall && event.key === "Escape") closeOutcome();
    else handled = false;
    if (handled) event.preventDefault();
  }

  function onStatus(status, message) {
    const badge = document.querySelector("[data-testid=connection-status]");
    badge.dataset.status = status;
    badge.textContent = S[status] || status;
    badge.title = message || "";
    if (status === "error" && message) setError(message);
  }

  document.addEventListener("keydown", onKey);
  $("host-next-button").addEventListener("click", nextCall);
  $("host-end-button").addEventListener("click", endCall);
  $("host-outcome-skip").addEventListener("click", closeOutcome);
  $("host-outcome").addEventListener("click", (event) => {
    const button = event.target.closest("[data-outcome]");
    if (button) chooseOutcome(button.dataset.outcome);
  });
  $("host-recent-list").addEventListener("click", (event) => {
    const button = event.target.closest("[data-outcome-for]");
    if (!button || !state) return;
    const call = state.calls.find((c) => c.id === Number(button.dataset.outcomeFor));
    if (call) openOutcome(call);
  });
  $("host-note-form").addEventListener("submit", sendNote);

  setInterval(tick, 1000);
  tick();
  watcher = CallinLive.watchShow(showId, apply, onStatus);
})();
