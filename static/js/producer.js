// The producer's screening console: incoming calls, the screening card, the queue, on air, notes.
// The live state arrives through CallinLive.watchShow; every write goes through CallinApi and the
// server's push brings the result back. Lists are re-rendered from the state; the card form is
// static DOM so a push never destroys what the producer is typing.
(function () {
  "use strict";

  const S = JSON.parse(document.getElementById("strings").textContent);
  const esc = CallinLive.escapeHtml;
  const clock = CallinLive.clock;
  const since = CallinLive.secondsSince;
  const $ = (selector, scope) => (scope || document).querySelector(selector);
  const $$ = (selector, scope) => Array.from((scope || document).querySelectorAll(selector));
  const testId = (id) => $('[data-testid="' + id + '"]');
  const fmt = (text, values) => String(text).replace(/\{(\w+)\}/g, (m, k) => (k in values ? values[k] : m));
  const stateName = (name) => S.states[name] || name;
  const FINISHED = ["done", "dropped", "abandoned", "rejected"];
  const AIRED = ["on_air", "done", "dropped"];
  const EDITABLE = ["ringing", "screening", "ready", "on_air", "done", "dropped"];

  function timeOf(iso, withDate) {
    if (!iso) return "";
    const options = {timeZone: "Asia/Shanghai", hour12: false};
    const date = new Date(iso);
    if (withDate) {
      return date.toLocaleDateString("zh-CN", {...options, year: "numeric", month: "2-digit", day: "2-digit"});
    }
    return date.toLocaleTimeString("zh-CN", {...options, hour: "2-digit", minute: "2-digit"});
  }

  // ---------------------------------------------------------------- messages
  const messageBox = document.getElementById("console-message");
  let messageTimer = null;

  function flash(text, kind) {
    if (!messageBox) return;
    messageBox.className = "pc-message " + (kind || "info");
    $(".pc-message-text", messageBox).textContent = text;
    messageBox.hidden = false;
    clearTimeout(messageTimer);
    messageTimer = setTimeout(() => { messageBox.hidden = true; }, kind === "error" ? 15000 : 6000);
  }
  if (messageBox) $(".pc-message-close", messageBox).addEventListener("click", () => { messageBox.hidden = true; });

  function failed(error) {
    flash((error && error.message) || S.failed, "error");
  }

  // ---------------------------------------------------------------- no live show: go live
  $$("[data-start-show]").forEach((button) => button.addEventListener("click", () => {
    button.disabled = true;
    CallinApi.post("/shows/" + button.dataset.startShow + "/start")
      .then(() => { window.location.href = button.dataset.next || window.location.pathname; })
      .catch((error) => { button.disabled = false; failed(error); });
  }));

  const root = document.getElementById("console");
  if (!root) return;
  const showId = Number(root.dataset.showId);

  // ---------------------------------------------------------------- state
  let live = null;               // the latest state from the server
  let calls = new Map();         // id -> call
  let selectedId = null;
  let reference = null;
  const seenRinging = new Set();
  const flashUntil = new Map();   // ringing call id -> time until which it flashes as new
  let firstState = true;
  const baseTitle = document.title;

  // ---------------------------------------------------------------- header
  const linesButton = testId("lines-toggle");
  const simulateButton = testId("simulate-call");
  const connection = testId("connection-status");
  const endButton = document.getElementById("end-show");
  const endConfirm = document.getElementById("end-show-confirm");

  function renderHeader(show) {
    const stateBadge = document.getElementById("show-state");
    stateBadge.textContent = stateName(show.state);
    stateBadge.className = "pc-badge show-" + show.state;
    const isLive = show.state === "live";
    root.classList.toggle("show-ended", show.state === "ended");
    if (linesButton) {
      linesButton.setAttribute("aria-checked", show.lines_open ? "true" : "false");
      linesButton.textContent = show.lines_open ? S.lines_open : S.lines_closed;
      linesButton.title = show.lines_open ? S.lines_close_hint : S.lines_open_hint;
      linesButton.disabled = !isLive;
    }
    if (simulateButton) simulateButton.disabled = !isLive || !show.lines_open;
    if (endButton) endButton.hidden = !isLive || !endConfirm.hidden;
    if (!isLive && endConfirm) endConfirm.hidden = true;
    $$("[data-live-only]").forEach((el) => { el.disabled = !isLive; });
  }

  if (linesButton) linesButton.addEventListener("click", () => {
    const open = !(live && live.show.lines_open);
    linesButton.disabled = true;
    CallinApi.post("/shows/" + showId + "/lines", {open})
      .then(() => flash(open ? S.lines_now_open : S.lines_now_closed))
      .catch(failed)
      .finally(() => { linesButton.disabled = !(live && live.state === "live"); });
  });

  if (simulateButton) simulateButton.addEventListener("click", () => {
    simulateButton.disabled = true;
    CallinApi.post("/shows/" + showId + "/simulate")
      .catch(failed)
      .finally(() => { simulateButton.disabled = !(live && live.state === "live" && live.show.lines_open); });
  });

  if (endButton) {
    endButton.addEventListener("click", () => {
      endButton.hidden = true;
      endConfirm.hidden = false;
      $("[data-end-yes]", endConfirm).focus();
    });
    $("[data-end-no]", endConfirm).addEventListener("click", () => {
      endConfirm.hidden = true;
      endButton.hidden = false;
      endButton.focus();
    });
    $("[data-end-yes]", endConfirm).addEventListener("click", () => {
      CallinApi.post("/shows/" + showId + "/end")
        .then(() => flash(S.show_ended))
        .catch(failed)
        .finally(() => {
          endConfirm.hidden = true;
          endButton.hidden = !isShowLive();
        });
    });
  }

  function setConnection(status, message) {
    connection.dataset.status = status;
    connection.className = "pc-conn conn-" + status;
    connection.textContent = status === "connected" ? S.connected
      : status === "error" ? (message || S.connection_error) : S.disconnected;
    root.classList.toggle("offline", status !== "connected");
  }

  // ---------------------------------------------------------------- call rows
  function flagBadge(caller) {
    if (!caller || caller.flag === "none") return "";
    return '<span class="pc-flag flag-' + esc(caller.flag) + '" title="' + esc(caller.flag_reason) + '">' +
      esc(S.flags[caller.flag] || caller.flag) + "</span>";
  }

  function geoWarning(call) {
    return call.town_mismatch || call.from_elsewhere;
  }

  function geoHtml(call) {
    const warn = geoWarning(call);
    return '<span class="pc-geo' + (warn ? " warn" : "") + '" title="' + esc(warn ? S.geo_warning_short : "") + '">' +
      (warn ? "⚠ " : "") + esc(call.geography || S.unknown_place) + "</span>";
  }

  function earlierHtml(call) {
    const n = call.caller ? call.caller.earlier_calls : 0;
    return n ? '<span class="pc-earlier" title="' + esc(S.earlier_calls) + '">' + esc(fmt(S.earlier_n, {n})) + "</span>" : "";
  }

  function rowAttrs(call, testid, extraClass) {
    const classes = ["pc-row", "state-" + call.state, extraClass || ""];
    if (call.id === selectedId) classes.push("selected");
    if (drafts.has(call.id)) classes.push("has-draft");
    if (call.urgency === "urgent") classes.push("urgent");
    return 'class="' + classes.join(" ") + '" data-call-id="' + call.id + '" data-testid="' + testid +
      '" tabindex="0" aria-selected="' + (call.id === selectedId) + '"';
  }

  function ringingRow(call) {
    if (!firstState && !seenRinging.has(call.id)) flashUntil.set(call.id, Date.now() + 3000);
    const isNew = (flashUntil.get(call.id) || 0) > Date.now();
    return "<li " + rowAttrs(call, "call-row-" + call.id, isNew ? "is-new" : "") + ">" +
      '<div class="pc-row-main"><span class="pc-line">' + esc(lineLabel(call)) + "</span>" +
      '<span class="pc-phone">' + esc(call.phone) + "</span>" +
      '<span class="pc-timer ring" data-since="' + esc(call.ringing_at) + '"></span></div>' +
      '<div class="pc-row-sub">' + geoHtml(call) + flagBadge(call.caller) + earlierHtml(call) + "</div>" +
      '<div class="pc-row-actions">' +
      '<button type="button" class="primary" data-act="answer" data-testid="pick-up-' + call.id + '">' + esc(S.pick_up) + "</button>" +
      '<button type="button" data-act="abandon" data-testid="abandon-' + call.id + '">' + esc(S.hung_up) + "</button></div></li>";
  }

  function lineLabel(call) {
    return call.line ? fmt(S.line_n, {n: call.line}) : (S.sources[call.source] || call.source);
  }

  function screeningRow(call) {
    return "<li " + rowAttrs(call, "call-row-" + call.id) + ">" +
      '<div class="pc-row-main"><span class="pc-line">' + esc(lineLabel(call)) + "</span>" +
      '<span class="pc-name">' + esc(call.name || call.phone) + "</span>" +
      '<span class="pc-timer" data-since="' + esc(call.screening_at || call.ringing_at) + '"></span></div>' +
      '<div class="pc-row-sub"><span class="pc-topic">' + esc(call.topic || S.no_topic) + "</span>" +
      (geoWarning(call) ? geoHtml(call) : "") + flagBadge(call.caller) + "</div></li>";
  }

  function queueRow(call, index) {
    const warn = live.show.wait_warning_s;
    return '<li class="pc-qrow" data-testid="queue-row-' + call.id + '" data-call-id="' + call.id +
      '" draggable="true" tabindex="0" aria-selected="' + (call.id === selectedId) + '">' +
      '<div ' + rowAttrs(call, "call-row-" + call.id).replace('tabindex="0" ', "") + ">" +
      '<span class="pc-pos">' + (index + 1) + "</span>" +
      '<div class="pc-qbody"><div class="pc-row-main"><span class="pc-name">' + esc(call.name || S.no_name) + "</span>" +
      '<span class="pc-town">' + esc(call.town ? call.town.name : "") + "</span>" +
      (call.urgency === "urgent" ? '<span class="pc-urgent">' + esc(S.urgent) + "</span>" : "") +
      (call.source !== "phone" ? '<span class="pc-source">' + esc(S.sources[call.source] || call.source) + "</span>" : "") +
      '<span class="pc-timer wait" data-since="' + esc(call.ready_at) + '" data-warn="' + warn + '" title="' +
      esc(S.wait_time) + '"></span></div>' +
      '<div class="pc-row-sub"><span class="pc-topic" title="' + esc(call.topic) + '">' + esc(call.topic) + "</span>" +
      flagBadge(call.caller) + "</div></div>" +
      '<span class="pc-grip" aria-hidden="true">⋮⋮</span></div></li>';
  }

  function finishedRow(call) {
    const aired = call.state === "done" || call.state === "dropped";
    const result = call.state === "rejected" ? call.rejection_reason
      : call.outcome ? S.outcomes[call.outcome] : aired ? S.no_outcome : "";
    return "<li " + rowAttrs(call, "call-row-" + call.id, "compact") + ">" +
      '<div class="pc-row-main"><span class="pc-state st-' + esc(call.state) + '">' + esc(stateName(call.state)) + "</span>" +
      '<span class="pc-name">' + esc(call.name || call.phone) + "</span>" +
      '<span class="pc-when">' + esc(timeOf(call.ended_at)) + "</span></div>" +
      '<div class="pc-row-sub"><span class="pc-topic" title="' + esc(call.topic) + '">' + esc(call.topic || "—") + "</span>" +
      (result ? '<span class="pc-result' + (aired && !call.outcome ? " missing" : "") + '" title="' + esc(result) + '">' +
        esc(result) + "</span>" : "") + "</div></li>";
  }

  // Bring a list in line with `rows` (HTML strings, one per call). A row whose HTML did not change
  // keeps its element, so a push never steals focus or swallows a click on a row that stayed.
  const rowTemplate = document.createElement("template");

  function replaceList(list, rows, emptyText) {
    const active = document.activeElement;
    const focusId = active && list.contains(active) ? active.dataset.testid : null;
    if (!rows.length) rows = ['<li class="pc-empty">' + esc(emptyText) + "</li>"];
    const old = new Map();
    Array.from(list.children).forEach((el) => old.set(el.dataset.callId || "empty", el));
    rows.forEach((html, index) => {
      rowTemplate.innerHTML = html.trim();
      const fresh = rowTemplate.content.firstElementChild;
      const key = fresh.dataset.callId || "empty";
      let el = old.get(key);
      if (!el || el.rowHtml !== html) {
        el = fresh;
        el.rowHtml = html;
        const previous = old.get(key);
        if (previous) previous.remove();
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

  function byTime(field) {
    return (a, b) => (Date.parse(a[field] || 0) - Date.parse(b[field] || 0)) || a.id - b.id;
  }

  function renderLists() {
    const all = Array.from(calls.values());
    const ringing = all.filter((c) => c.state === "ringing").sort(byTime("ringing_at"));
    const screening = all.filter((c) => c.state === "screening").sort(byTime("screening_at"));
    const finished = all.filter((c) => FINISHED.includes(c.state))
      .sort((a, b) => Date.parse(b.ended_at || 0) - Date.parse(a.ended_at || 0) || b.id - a.id);

    replaceList(testId("incoming-list"), ringing.map(ringingRow), S.no_ringing);
    ringing.forEach((c) => seenRinging.add(c.id));
    const ringCount = document.getElementById("ringing-count");
    ringCount.textContent = ringing.length;
    ringCount.classList.toggle("ringing", ringing.length > 0);
    document.title = (ringing.length ? "(" + ringing.length + ") " : "") + baseTitle;

    replaceList(testId("screening-list"), screening.map(screeningRow), S.no_screening);
    document.getElementById("screening-count").textContent = screening.length;
    replaceList(testId("finished-list"), finished.map(finishedRow), S.no_finished);
    document.getElementById("finished-count").textContent = finished.length;
    renderQueue();
    renderOnAir();
    tick();
  }

  // ---------------------------------------------------------------- queue
  const queueList = testId("queue-list");
  let pendingOrder = null;     // ids in the order we asked for, until the server answers
  let dragging = null;
  let queueChain = Promise.resolve();

  function readyCalls() {
    const ready = Array.from(calls.values()).filter((c) => c.state === "ready");
    ready.sort((a, b) => (a.position ?? 1e9) - (b.position ?? 1e9) || a.id - b.id);
    if (pendingOrder) {
      const ids = ready.map((c) => c.id).sort().join();
      if ([...pendingOrder].sort().join() === ids) {
        return pendingOrder.map((id) => calls.get(id));
      }
    }
    return ready;
  }

  function renderQueue() {
    if (dragging) return;  // a re-render would cancel the drag; dragend renders
    const ready = readyCalls();
    replaceList(queueList, ready.map(queueRow), S.queue_empty);
    document.getElementById("queue-count").textContent = ready.length;
    tick();
  }

  function sendOrder(ids) {
    pendingOrder = ids;
    renderQueue();
    queueChain = queueChain.then(() => CallinApi.put("/shows/" + showId + "/queue", {call_ids: ids})
      .then(() => { if (pendingOrder === ids) pendingOrder = null; })
      .catch((error) => {
        pendingOrder = null;
        flash(error.message, "error");
        if (error.code === "stale_queue") refetch();
        else renderQueue();
      }));
  }

  function moveInQueue(callId, delta) {
    const ids = readyCalls().map((c) => c.id);
    const from = ids.indexOf(callId);
    const to = from + delta;
    if (from < 0 || to < 0 || to >= ids.length) return;
    ids.splice(to, 0, ids.splice(from, 1)[0]);
    sendOrder(ids);
    const row = testId("queue-row-" + callId);
    if (row) row.focus();
  }

  queueList.addEventListener("dragstart", (event) => {
    const row = event.target.closest(".pc-qrow");
    if (!row) return;
    dragging = Number(row.dataset.callId);
    row.classList.add("dragging");
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", String(dragging));
  });
  queueList.addEventListener("dragover", (event) => {
    if (dragging == null) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = "move";
    $$(".drop-before, .drop-after", queueList).forEach((el) => el.classList.remove("drop-before", "drop-after"));
    const row = event.target.closest(".pc-qrow");
    if (!row || Number(row.dataset.callId) === dragging) return;
    const box = row.getBoundingClientRect();
    row.classList.add(event.clientY < box.top + box.height / 2 ? "drop-before" : "drop-after");
  });
  function clearDragMarks() {
    $$(".dragging, .drop-before, .drop-after", queueList)
      .forEach((el) => el.classList.remove("dragging", "drop-before", "drop-after"));
  }

  queueList.addEventListener("drop", (event) => {
    if (dragging == null) return;
    event.preventDefault();
    clearDragMarks();
    const row = event.target.closest(".pc-qrow");
    const moved = dragging;
    dragging = null;
    if (!row || Number(row.dataset.callId) === moved) { renderQueue(); return; }
    const box = row.getBoundingClientRect();
    const after = event.clientY >= box.top + box.height / 2;
    const ids = readyCalls().map((c) => c.id).filter((id) => id !== moved);
    let at = ids.indexOf(Number(row.dataset.callId));
    if (after) at += 1;
    ids.splice(at, 0, moved);
    sendOrder(ids);
  });
  queueList.addEventListener("dragend", () => {
    clearDragMarks();
    if (dragging != null) { dragging = null; renderQueue(); }
  });

  // ---------------------------------------------------------------- list interaction
  function focusSibling(row, delta) {
    const list = row.parentElement;
    const rows = $$(":scope > [tabindex]", list);
    const next = rows[rows.indexOf(row) + delta];
    if (next) next.focus();
  }

  function onListClick(event) {
    const action = event.target.closest("[data-act]");
    const row = event.target.closest("[data-call-id]");
    if (!row) return;
    const id = Number(row.dataset.callId);
    if (action) {
      event.stopPropagation();
      if (action.dataset.act === "answer") pickUp(id);
      if (action.dataset.act === "abandon") abandon(id);
      return;
    }
    openCard(id);
  }

  function onListKey(event) {
    const row = event.target.closest("[tabindex][data-call-id]");
    if (!row || event.target !== row) return;
    const id = Number(row.dataset.callId);
    if (event.altKey && (event.key === "ArrowUp" || event.key === "ArrowDown")) {
      if (row.classList.contains("pc-qrow")) {
        event.preventDefault();
        moveInQueue(id, event.key === "ArrowUp" ? -1 : 1);
      }
      return;
    }
    if (event.key === "ArrowUp" || event.key === "ArrowDown") {
      event.preventDefault();
      focusSibling(row, event.key === "ArrowUp" ? -1 : 1);
    } else if (event.key === "Enter" || event.key === " ") {
      event.preventDefault();
      openCard(id, true);
    }
  }

  $$("[data-call-list]").forEach((list) => {
    list.addEventListener("click", onListClick);
    list.addEventListener("keydown", onListKey);
  });

  function pickUp(id) {
    CallinApi.post("/calls/" + id + "/answer")
      .then(() => openCard(id, true))
      .catch(failed);
  }

  function abandon(id) {
    CallinApi.post("/calls/" + id + "/abandon")
      .then(() => flash(S.marked_hung_up))
      .catch(failed);
  }

  // ---------------------------------------------------------------- on air
  const onAirBox = testId("on-air");
  let onAirOutcome = null;

  function lastAired() {
    return Array.from(calls.values()).filter((c) => c.state === "done" || c.state === "dropped")
      .sort((a, b) => Date.parse(b.ended_at || 0) - Date.parse(a.ended_at || 0))[0];
  }

  function limitOf(call) {
    return call.airtime_limit_s || (live && live.show.airtime_limit_s) || 0;
  }

  function renderOnAir() {
    const current = Array.from(calls.values()).find((c) => c.state === "on_air");
    const box = document.getElementById("on-air-call");
    onAirBox.classList.toggle("is-live", Boolean(current));
    const target = current || lastAired();
    let html;
    if (current) {
      const limit = limitOf(current);
      html = '<div class="pc-onair-call" data-call-id="' + current.id + '" data-testid="call-row-' +
        current.id + '" tabindex="0">' +
        '<div class="pc-onair-top"><span class="pc-name">' + esc(current.name || S.no_name) + "</span>" +
        '<span class="pc-town">' + esc(current.town ? current.town.name : "") + "</span>" +
        '<span class="pc-timer air" data-since="' + esc(current.on_air_at) + '" data-limit="' + limit + '"></span></div>' +
        '<div class="pc-onair-topic">' + esc(current.topic) + "</div>" +
        (current.host_note ? '<div class="pc-hostnote">' + esc(S.host_note) + ": " + esc(current.host_note) + "</div>" : "") +
        "</div>";
    } else if (target) {
      html = '<p class="pc-muted">' + esc(S.nothing_on_air) + "</p>" +
        '<div class="pc-onair-last" data-call-id="' + target.id + '" tabindex="0">' +
        esc(fmt(S.last_call, {name: target.name || target.phone, time: timeOf(target.ended_at)})) +
        ' <span class="pc-topic">' + esc(target.topic) + "</span></div>";
    } else {
      html = '<p class="pc-muted">' + esc(S.nothing_on_air) + "</p>";
    }
    if (box.renderedHtml !== html) {
      box.innerHTML = html;
      box.renderedHtml = html;
    }
    onAirOutcome.show(target || null);
    tick();
  }

  // ---------------------------------------------------------------- outcome forms
  // One small form for what came of an aired call; used in the on-air panel and in the card.
  function OutcomeForm(container, prefix) {
    const node = document.getElementById("outcome-template").content.firstElementChild.cloneNode(true);
    container.appendChild(node);
    const radios = $$("input[type=radio]", node);
    radios.forEach((radio) => {
      radio.name = prefix + "-outcome";
      radio.dataset.testid = prefix + "-outcome-" + radio.value;
    });
    const days = $("[data-role=days]", node);
    const note = $("[data-role=note]", node);
    const save = $("[data-role=save]", node);
    const notice = $("[data-role=notice]", node);
    const error = $("[data-role=error]", node);
    days.dataset.testid = prefix + "-outcome-days";
    note.dataset.testid = prefix + "-outcome-note";
    save.dataset.testid = prefix + "-outcome-save";
    let call = null;
    let base = null;   // {version, values}

    const valuesOf = (c) => ({outcome: c.outcome || "", days: c.commitment_days ? String(c.commitment_days) : "",
                              note: c.outcome_note || ""});
    const current = () => ({outcome: (radios.find((r) => r.checked) || {}).value || "",
                            days: days.value.trim(), note: note.value});
    const dirty = () => base && JSON.stringify(current()) !== JSON.stringify(base.values);

    function fill(values) {
      radios.forEach((r) => { r.checked = r.value === values.outcome; });
      days.value = values.days;
      note.value = values.note;
      sync();
    }
    function sync() {
      days.closest("label").hidden = current().outcome !== "commitment";
    }

    node.addEventListener("change", sync);
    node.addEventListener("submit", (event) => {
      event.preventDefault();
      if (!call) return;
      const value = current();
      error.textContent = "";
      const body = {outcome: value.outcome, note: value.note, version: base.version};
      if (value.outcome === "commitment") body.commitment_days = Number(value.days) || value.days;
      save.disabled = true;
      CallinApi.post("/calls/" + call.id + "/outcome", body)
        .then((data) => {
          base = {version: data.call.version, values: value};
          notice.hidden = true;
          flash(S.outcome_saved);
        })
        .catch((err) => {
          error.textContent = Object.values(err.fields || {}).join("; ") ? err.message + " (" +
            Object.values(err.fields).join("; ") + ")" : err.message;
          if (err.code === "stale_version") refetch();
        })
        .finally(() => { save.disabled = false; });
    });

    return {
      show(next) {
        container.hidden = !next;
        if (!next) { call = null; base = null; return; }
        if (!call || call.id !== next.id) {
          call = next;
          base = {version: next.version, values: valuesOf(next)};
          fill(base.values);
          notice.hidden = true;
          error.textContent = "";
        } else if (next.version !== base.version) {
          const theirs = valuesOf(next);
          if (!dirty()) {
            fill(theirs);
          } else if (JSON.stringify(theirs) !== JSON.stringify(base.values)) {
            notice.textContent = fmt(S.outcome_changed, {outcome: S.outcomes[theirs.outcome] || "—"});
            notice.hidden = false;
          }
          base = {version: next.version, values: theirs};
          call = next;
        }
        $("[data-role=title]", node).textContent = next.state === "on_air" ? S.outcome_title
          : fmt(S.outcome_for, {name: next.name || next.phone});
      },
    };
  }

  // ---------------------------------------------------------------- the card
  const form = testId("card-form");
  const cardEmpty = document.getElementById("card-empty");
  const F = {
    name: testId("card-name"), town_id: testId("card-town"), community_id: testId("card-community"),
    category_id: testId("card-category"), topic: testId("card-topic"), detail: testId("card-detail"),
    urgency: testId("card-urgency"), consent: testId("card-consent"), host_note: testId("card-host-note"),
    airtime_limit_s: testId("card-airtime"),
  };
  const FIELDS = Object.keys(F);
  const conflictBox = testId("conflict-message");
  const drafts = new Map();     // call id -> {base, values}: unsaved edits of cards put aside
  let card = null;              // {id, base: {version, values}, busy}
  let cardOutcome = null;
  let historyFor = null;

  function valuesOf(call) {
    return {
      name: call.name || "", town_id: call.town ? String(call.town.id) : "",
      community_id: call.community ? String(call.community.id) : "",
      category_id: call.category ? String(call.category.id) : "",
      topic: call.topic || "", detail: call.detail || "", urgency: call.urgency || "normal",
      consent: Boolean(call.consent), host_note: call.host_note || "",
      airtime_limit_s: call.airtime_limit_s ? String(call.airtime_limit_s) : "",
    };
  }

  function formValues() {
    const values = {};
    FIELDS.forEach((f) => { values[f] = f === "consent" ? F[f].checked : F[f].value; });
    return values;
  }

  function same(a, b) {
    return typeof a === "string" && typeof b === "string" ? a.trim() === b.trim() : a === b;
  }

  function isDirty() {
    if (!card) return false;
    const now = formValues();
    return FIELDS.some((f) => !same(now[f], card.base.values[f]));
  }

  function setField(field, value) {
    const el = F[field];
    if (field === "consent") { el.checked = value; return; }
    if (field === "town_id") { el.value = value; fillCommunities(); return; }
    if (field === "airtime_limit_s") ensureAirtimeOption(value);
    if (el.value !== value) el.value = value;
  }

  function fillForm(values) {
    // Town first: it decides which communities can be chosen.
    setField("town_id", values.town_id);
    FIELDS.forEach((f) => { if (f !== "town_id") setField(f, values[f]); });
  }

  function payload(values) {
    const id = (v) => (v ? Number(v) : null);
    return {
      name: values.name, town_id: id(values.town_id), community_id: id(values.community_id),
      category_id: id(values.category_id), topic: values.topic, detail: values.detail,
      urgency: values.urgency, consent: values.consent, host_note: values.host_note,
      airtime_limit_s: values.airtime_limit_s ? Number(values.airtime_limit_s) : null,
    };
  }

  // -- reference lists
  function option(value, label) {
    const el = document.createElement("option");
    el.value = value;
    el.textContent = label;
    return el;
  }

  function fillReference() {
    const town = F.town_id;
    town.replaceChildren(option("", S.choose));
    reference.towns.forEach((t) => town.appendChild(option(String(t.id), t.name)));
    const category = F.category_id;
    category.replaceChildren(option("", S.choose));
    reference.categories.forEach((top) => {
      const group = document.createElement("optgroup");
      group.label = top.name;
      group.appendChild(option(String(top.id), fmt(S.category_general, {name: top.name})));
      top.children.forEach((child) => group.appendChild(option(String(child.id), child.name)));
      category.appendChild(group);
    });
    fillCommunities();
  }

  // Communities of the chosen town; with no town, all of them grouped by town.
  function fillCommunities() {
    if (!reference) return;
    const select = F.community_id;
    const keep = select.value;
    select.replaceChildren(option("", S.choose));
    const townId = F.town_id.value;
    reference.towns.forEach((t) => {
      if (townId && String(t.id) !== townId) return;
      const parent = townId ? select : document.createElement("optgroup");
      if (!townId) { parent.label = t.name; select.appendChild(parent); }
      t.communities.forEach((c) => parent.appendChild(option(String(c.id), c.name)));
    });
    select.value = keep;
    if (select.value !== keep) select.value = "";
  }

  function townOfCommunity(communityId) {
    const town = reference.towns.find((t) => t.communities.some((c) => String(c.id) === communityId));
    return town ? String(town.id) : "";
  }

  F.town_id.addEventListener("change", fillCommunities);
  F.community_id.addEventListener("change", () => {
    if (!F.town_id.value && F.community_id.value) {
      const keep = F.community_id.value;
      F.town_id.value = townOfCommunity(keep);
      fillCommunities();
      F.community_id.value = keep;
    }
  });

  function ensureAirtimeOption(value) {
    if (value && !$$("option", F.airtime_limit_s).some((o) => o.value === value)) {
      F.airtime_limit_s.appendChild(option(value, clock(Number(value))));
    }
  }

  function labelOf(field, values) {
    const v = values[field];
    if (field === "consent") return v ? S.yes : S.no;
    if (field === "urgency") return v === "urgent" ? S.urgent : S.normal;
    if (field === "airtime_limit_s") return v ? clock(Number(v)) : S.show_default;
    if (["town_id", "community_id", "category_id"].includes(field)) {
      const opt = $$("option", F[field]).find((o) => o.value === v);
      if (opt) return opt.textContent;
      if (!v) return "—";
      if (field === "community_id" && reference) {
        for (const t of reference.towns) {
          const c = t.communities.find((x) => String(x.id) === v);
          if (c) return c.name;
        }
      }
      return v;
    }
    return v || "—";
  }

  // -- errors and conflicts next to the fields
  function clearFieldErrors() {
    $$("[data-error-for]", form).forEach((el) => { el.textContent = ""; });
    FIELDS.forEach((f) => F[f].removeAttribute("aria-invalid"));
  }

  function showFieldErrors(fields) {
    let first = null;
    Object.entries(fields || {}).forEach(([field, problem]) => {
      const slot = $('[data-error-for="' + field + '"]', form);
      if (slot) slot.textContent = problem;
      if (F[field]) {
        F[field].setAttribute("aria-invalid", "true");
        first = first || F[field];
      }
    });
    if (first) first.focus();
  }

  function clearTheirs() {
    $$("[data-theirs-for]", form).forEach((el) => { el.hidden = true; el.replaceChildren(); });
  }

  function showConflict(message, fields, theirs) {
    conflictBox.hidden = false;
    $(".pc-conflict-text", conflictBox).textContent = message;
    clearTheirs();
    fields.forEach((field) => {
      const slot = $('[data-theirs-for="' + field + '"]', form);
      if (!slot) return;
      const text = document.createElement("span");
      text.textContent = fmt(S.their_value, {value: labelOf(field, theirs)});
      const use = document.createElement("button");
      use.type = "button";
      use.className = "link";
      use.textContent = S.use_theirs;
      use.addEventListener("click", () => { setField(field, theirs[field]); slot.hidden = true; });
      slot.append(text, " ", use);
      slot.hidden = false;
    });
  }

  function hideConflict() {
    conflictBox.hidden = true;
    clearTheirs();
  }
  $(".pc-conflict-close", conflictBox).addEventListener("click", hideConflict);

  // Someone else saved this card: take their change where the producer did not type, keep the
  // producer's text where they did, and show their value beside every field both changed.
  function merge(call, message) {
    const mine = formValues();
    const old = card.base.values;
    const theirs = valuesOf(call);
    const clashes = [];
    let changedByThem = false;
    FIELDS.forEach((f) => {
      if (same(theirs[f], old[f])) return;
      changedByThem = true;
      if (same(mine[f], old[f])) setField(f, theirs[f]);
      else if (!same(mine[f], theirs[f])) clashes.push(f);
    });
    card.base = {version: call.version, values: theirs};
    if (message || changedByThem) showConflict(message || S.changed_by_someone, clashes, theirs);
  }

  // -- opening and showing a card
  function stashDraft() {
    if (card && isDirty()) drafts.set(card.id, {base: card.base, values: formValues()});
    else if (card) drafts.delete(card.id);
  }

  function openCard(id, focusForm) {
    if (!reference) { referenceReady.then(() => openCard(id, focusForm)); return; }
    const call = calls.get(id);
    if (card && card.id === id) {
      if (focusForm) focusFirstField(call);
      return;
    }
    stashDraft();
    selectedId = id;
    card = null;
    hideConflict();
    clearFieldErrors();
    hideInlinePrompts();
    if (!call) { renderCardShell(null); return; }
    const draft = drafts.get(id);
    card = {id, base: draft ? draft.base : {version: call.version, values: valuesOf(call)}, busy: false};
    fillForm(draft ? draft.values : card.base.values);
    drafts.delete(id);
    renderCardShell(call);
    if (draft && call.version !== card.base.version) merge(call);
    loadHistory(call);
    markSelection();
    if (focusForm) focusFirstField(call);
  }

  function focusFirstField(call) {
    if (!call || !EDITABLE.includes(call.state)) return;
    (call.name ? F.topic : F.name).focus();
  }

  function markSelection() {
    $$("[data-call-id]").forEach((el) => {
      const on = Number(el.dataset.callId) === selectedId;
      el.classList.toggle("selected", on);
      if (el.classList.contains("pc-row")) el.classList.toggle("has-draft", drafts.has(Number(el.dataset.callId)));
      if (el.hasAttribute("aria-selected")) el.setAttribute("aria-selected", String(on));
    });
    const about = testId("note-about-call");
    const call = calls.get(selectedId);
    about.disabled = !call;
    if (!call) about.checked = false;
    document.getElementById("note-about-label").textContent = call
      ? fmt(S.about_call, {name: call.name || call.phone}) : S.about_selected;
  }

  // Everything on the card except the form values: header, flags, warnings, buttons.
  function renderCardShell(call) {
    form.hidden = !call;
    cardEmpty.hidden = Boolean(call);
    if (!call) {
      cardEmpty.textContent = selectedId ? S.call_gone : S.select_call;
      return;
    }
    const st = $("#card-state");
    st.textContent = stateName(call.state) + (call.state === "ready" ? " #" + queuePosition(call.id) : "");
    st.className = "pc-state st-" + call.state;
    testId("card-phone").textContent = call.phone || "";
    $("#card-line").textContent = lineLabel(call);
    $("#card-ref").textContent = "#" + call.id;
    const geo = testId("card-geography");
    geo.textContent = (call.geography || S.unknown_place) +
      (call.home_number === true ? " · " + S.local_number : call.home_number === false ? " · " + S.outside_number : "");
    geo.classList.toggle("warn", geoWarning(call));
    const warning = testId("card-geo-warning");
    warning.hidden = !geoWarning(call);
    if (call.town_mismatch) {
      warning.textContent = fmt(S.town_mismatch, {place: call.geography || S.unknown_place,
                                                 town: call.town ? call.town.name : ""});
    } else if (call.from_elsewhere) {
      warning.textContent = fmt(S.from_elsewhere, {place: call.geography || S.unknown_place});
    }
    renderFlag(call);

    const editable = EDITABLE.includes(call.state);
    FIELDS.forEach((f) => { F[f].disabled = !editable; });
    const show = (testid, on) => { testId(testid).hidden = !on; };
    const showLive = isShowLive();
    show("card-answer", call.state === "ringing" && showLive);
    show("card-save", editable);
    show("card-ready", call.state === "screening" && showLive);
    show("card-reject", call.state === "screening" && showLive);
    show("card-abandon", ["ringing", "screening", "ready"].includes(call.state) && showLive);
    const reason = $("#card-rejection");
    reason.hidden = call.state !== "rejected";
    reason.textContent = call.state === "rejected" ? S.rejected_because + ": " + call.rejection_reason : "";
    form.classList.toggle("readonly", !editable);
    cardOutcome.show(AIRED.includes(call.state) ? call : null);
  }

  function queuePosition(id) {
    return readyCalls().findIndex((c) => c.id === id) + 1;
  }

  function isShowLive() {
    return Boolean(live && live.state === "live");
  }

  function renderFlag(call) {
    const box = testId("card-flag");
    const caller = call.caller || {flag: "none"};
    const badge = $("#card-flag-badge");
    badge.className = "pc-flag flag-" + caller.flag;
    badge.textContent = caller.flag === "none" ? S.no_flag : S.flags[caller.flag];
    $("#card-flag-reason").textContent = caller.flag !== "none" ? caller.flag_reason : "";
    box.classList.toggle("flagged", caller.flag !== "none");
    box.classList.toggle("banned", caller.flag === "banned");
    testId("flag-clear").hidden = caller.flag === "none";
    testId("flag-warning").hidden = caller.flag === "warning";
    testId("flag-banned").hidden = caller.flag === "banned";
    const earlier = caller.earlier_calls || 0;
    $("#card-caller-summary").textContent = fmt(S.caller_summary, {
      n: earlier, last: caller.last_aired_at ? timeOf(caller.last_aired_at, true) : S.never});
  }

  // A push arrived: bring the open card up to date without touching what the producer typed.
  function reconcileCard() {
    if (selectedId == null) return;
    const call = calls.get(selectedId);
    if (!card) {
      if (call) openCardAgain(call);
      else renderCardShell(null);
      return;
    }
    if (!call) { renderCardShell(null); return; }
    renderCardShell(call);
    if (card.busy) return;            // our own save is in flight; its answer reconciles
    if (call.version === card.base.version) {
      if (!isDirty()) {
        card.base = {version: call.version, values: valuesOf(call)};
        fillForm(card.base.values);
      }
      return;
    }
    if (!isDirty()) {
      card.base = {version: call.version, values: valuesOf(call)};
      fillForm(card.base.values);
      return;
    }
    merge(call);
  }

  function openCardAgain(call) {
    const id = call.id;
    selectedId = null;
    openCard(id);
  }

  // -- caller history
  function loadHistory(call) {
    const box = testId("card-history");
    const callerId = call.caller && call.caller.id;
    if (!callerId) { box.innerHTML = ""; return; }
    historyFor = callerId;
    box.innerHTML = '<p class="pc-muted">' + esc(S.loading) + "</p>";
    CallinApi.get("/callers/" + callerId + "/history").then((data) => {
      if (historyFor !== callerId) return;
      const rows = data.calls.filter((c) => c.id !== call.id);
      if (!rows.length) {
        box.innerHTML = '<p class="pc-muted">' + esc(S.no_history) + "</p>";
        return;
      }
      box.innerHTML = "<table><thead><tr><th>" + esc(S.h_date) + "</th><th>" + esc(S.h_department) +
        "</th><th>" + esc(S.h_topic) + "</th><th>" + esc(S.h_result) + "</th></tr></thead><tbody>" +
        rows.map((c) => "<tr><td>" + esc(timeOf(c.date, true)) + "</td><td>" + esc(c.department || c.show_title) +
          '</td><td title="' + esc(c.topic) + '">' + esc(c.topic || "—") + "</td><td>" +
          esc(c.outcome ? S.outcomes[c.outcome] + (c.commitment_days ? " " + fmt(S.days_n, {n: c.commitment_days}) : "")
            : stateName(c.state)) + "</td></tr>").join("") + "</tbody></table>";
    }).catch((error) => {
      if (historyFor === callerId) box.innerHTML = '<p class="pc-error">' + esc(error.message) + "</p>";
    });
  }

  // -- card actions
  function save() {
    if (!card) return Promise.resolve(null);
    const id = card.id;
    const values = formValues();
    clearFieldErrors();
    card.busy = true;
    return CallinApi.patch("/calls/" + id, {...payload(values), version: card.base.version})
      .then((data) => {
        if (card && card.id === id) {
          card.base = {version: data.call.version, values};
          hideConflict();
        }
        return data.call;
      })
      .catch((error) => {
        if (error.code === "stale_version") {
          return refetch().then(() => {
            const call = calls.get(id);
            if (card && card.id === id && call) merge(call, error.message + " " + S.conflict_kept);
            throw error;
          });
        }
        showFieldErrors(error.fields);
        throw error;
      })
      .finally(() => {
        if (card && card.id === id) { card.busy = false; reconcileCard(); }
      });
  }

  // Run a card action with its button disabled; a conflict is explained in the card itself.
  function withButton(button, work) {
    button.disabled = true;
    return work().catch((error) => {
      if (error.code !== "stale_version") flash(error.message, "error");
    }).finally(() => { button.disabled = false; });
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    if (!card || form.classList.contains("readonly")) return;
    withButton(testId("card-save"), () => save().then(() => flash(S.saved)));
  });

  testId("card-ready").addEventListener("click", () => {
    if (!card) return;
    const id = card.id;
    withButton(testId("card-ready"), async () => {
      const saved = isDirty() ? await save() : null;
      const version = saved ? saved.version : card.base.version;
      card.busy = true;
      try {
        const data = await CallinApi.post("/calls/" + id + "/ready", {version});
        if (card && card.id === id) card.base.version = data.call.version;
        flash(S.made_ready);
      } catch (error) {
        showFieldErrors(error.fields);
        if (error.code === "stale_version") {
          await refetch();
          const call = calls.get(id);
          if (card && card.id === id && call) merge(call, error.message + " " + S.conflict_kept);
        }
        throw error;
      } finally {
        if (card && card.id === id) { card.busy = false; reconcileCard(); }
      }
    });
  });

  testId("card-answer").addEventListener("click", () => {
    if (card) pickUp(card.id);
  });

  testId("card-abandon").addEventListener("click", () => {
    if (card) abandon(card.id);
  });

  // -- inline reason prompts (reject, warn, ban)
  const rejectBox = document.getElementById("reject-box");
  const flagBox = document.getElementById("flag-box");

  function hideInlinePrompts() {
    rejectBox.hidden = true;
    flagBox.hidden = true;
  }

  testId("card-reject").addEventListener("click", () => {
    flagBox.hidden = true;
    rejectBox.hidden = false;
    testId("card-reject-reason").value = "";
    testId("card-reject-reason").focus();
  });

  function confirmReject() {
    if (!card) return;
    const reason = testId("card-reject-reason").value.trim();
    if (!reason) { testId("card-reject-reason").focus(); return; }
    const id = card.id;
    withButton(testId("card-reject-confirm"), () => CallinApi.post("/calls/" + id + "/reject", {reason})
      .then(() => { rejectBox.hidden = true; flash(S.rejected); }));
  }
  testId("card-reject-confirm").addEventListener("click", confirmReject);
  testId("card-reject-reason").addEventListener("keydown", (event) => {
    if (event.key === "Enter") { event.preventDefault(); confirmReject(); }
  });

  let flagWanted = null;
  function askFlag(flag) {
    rejectBox.hidden = true;
    flagWanted = flag;
    flagBox.hidden = false;
    $("#flag-box-label").textContent = flag === "banned" ? S.ban_reason : S.warning_reason;
    testId("flag-reason").value = "";
    testId("flag-reason").focus();
  }
  function sendFlag(flag, reason) {
    if (!card) return;
    CallinApi.post("/calls/" + card.id + "/flag", {flag, reason})
      .then(() => { flagBox.hidden = true; flash(flag === "none" ? S.flag_cleared : S.flag_set); })
      .catch(failed);
  }
  testId("flag-warning").addEventListener("click", () => askFlag("warning"));
  testId("flag-banned").addEventListener("click", () => askFlag("banned"));
  testId("flag-clear").addEventListener("click", () => sendFlag("none", ""));
  function confirmFlag() {
    const reason = testId("flag-reason").value.trim();
    if (!reason) { testId("flag-reason").focus(); return; }
    sendFlag(flagWanted, reason);
  }
  testId("flag-confirm").addEventListener("click", confirmFlag);
  testId("flag-reason").addEventListener("keydown", (event) => {
    if (event.key === "Enter") { event.preventDefault(); confirmFlag(); }
  });
  $$("[data-cancel-prompt]").forEach((b) => b.addEventListener("click", hideInlinePrompts));

  // ---------------------------------------------------------------- manual call
  const manualForm = document.getElementById("manual-form");
  manualForm.addEventListener("submit", (event) => {
    event.preventDefault();
    const phone = testId("manual-phone").value.trim();
    if (!phone) return;
    CallinApi.post("/shows/" + showId + "/calls", {phone})
      .then((data) => {
        testId("manual-phone").value = "";
        selectAfterPush = data.call.id;
        if (calls.has(data.call.id)) openCard(data.call.id, true);
      })
      .catch(failed);
  });
  let selectAfterPush = null;

  // ---------------------------------------------------------------- notes
  const notesList = testId("notes-list");

  function renderNotes(notes) {
    const atBottom = notesList.scrollHeight - notesList.scrollTop - notesList.clientHeight < 30;
    const html = notes.map((n) => {
      const about = n.call_id ? calls.get(n.call_id) : null;
      return '<li class="pc-note from-' + esc(n.author_role) + (n.canned ? " canned" : "") + '">' +
        '<div class="pc-note-head"><span class="pc-note-time">' + esc(timeOf(n.created_at)) + "</span>" +
        '<span class="pc-note-who">' + esc(S.roles[n.author_role] || n.author_role) + "</span>" +
        '<span class="pc-note-to">→ ' + esc(S.recipients[n.recipient] || n.recipient) + "</span>" +
        (n.call_id ? '<span class="pc-note-call" data-call-id="' + n.call_id + '">' +
          esc(about ? (about.name || about.phone) : "#" + n.call_id) + "</span>" : "") + "</div>" +
        '<div class="pc-note-text">' + esc(n.text) + "</div></li>";
    }).join("");
    notesList.innerHTML = html || '<li class="pc-empty">' + esc(S.no_notes) + "</li>";
    if (atBottom || firstState) notesList.scrollTop = notesList.scrollHeight;
  }

  notesList.addEventListener("click", (event) => {
    const link = event.target.closest("[data-call-id]");
    if (link && calls.has(Number(link.dataset.callId))) openCard(Number(link.dataset.callId));
  });

  function sendNote(body, button) {
    body.recipient = testId("note-recipient").value;
    if (testId("note-about-call").checked && selectedId) body.call_id = selectedId;
    button.disabled = true;
    return CallinApi.post("/shows/" + showId + "/notes", body)
      .then(() => { if (body.text) testId("note-text").value = ""; })
      .catch(failed)
      .finally(() => { button.disabled = false; });
  }

  document.getElementById("note-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const text = testId("note-text").value.trim();
    if (!text) { testId("note-text").focus(); return; }
    sendNote({text}, testId("note-send"));
  });
  $$("[data-canned]").forEach((button) => button.addEventListener("click", () => {
    sendNote({canned: button.dataset.canned}, button);
  }));

  // ---------------------------------------------------------------- timers
  function tick() {
    $$("[data-since]").forEach((el) => {
      const seconds = since(el.dataset.since);
      if (el.dataset.limit) {
        const limit = Number(el.dataset.limit);
        el.textContent = clock(seconds) + " / " + clock(limit);
        el.classList.toggle("over", limit > 0 && seconds > limit);
        el.classList.toggle("near", limit > 0 && seconds > limit - 30 && seconds <= limit);
      } else {
        el.textContent = clock(seconds);
      }
      if (el.dataset.warn) el.classList.toggle("over", seconds >= Number(el.dataset.warn));
    });
  }
  setInterval(tick, 1000);

  // ---------------------------------------------------------------- keyboard
  function typing(target) {
    return target.closest("input, textarea, select, [contenteditable]");
  }

  document.addEventListener("keydown", (event) => {
    if ((event.ctrlKey || event.metaKey) && event.key === "s") {
      if (card && !form.hidden) { event.preventDefault(); form.requestSubmit(); }
      return;
    }
    if ((event.ctrlKey || event.metaKey) && event.key === "Enter") {
      const ready = testId("card-ready");
      if (card && !ready.hidden) { event.preventDefault(); ready.click(); }
      return;
    }
    if (event.key === "Escape") {
      hideInlinePrompts();
      if (endConfirm && !endConfirm.hidden) $("[data-end-no]", endConfirm).click();
      return;
    }
    if (typing(event.target) || event.altKey || event.ctrlKey || event.metaKey) return;
    const key = event.key.toLowerCase();
    if (key === "p") {
      const first = $('[data-testid^="pick-up-"]', testId("incoming-list"));
      if (first) { event.preventDefault(); first.click(); }
    } else if (key === "n") {
      event.preventDefault();
      testId("note-text").focus();
    } else if (key === "q") {
      const row = $(".pc-qrow", queueList);
      if (row) { event.preventDefault(); row.focus(); }
    } else if (key === "i") {
      const row = $("[tabindex]", testId("incoming-list")) || $("[tabindex]", testId("screening-list"));
      if (row) { event.preventDefault(); row.focus(); }
    }
  });

  // ---------------------------------------------------------------- state in
  function applyState(state) {
    if (live && state.version < live.version) return;
    live = state;
    calls = new Map(state.calls.map((c) => [c.id, c]));
    renderHeader(state.show);
    renderLists();
    renderNotes(state.notes);
    reconcileCard();
    if (selectAfterPush && calls.has(selectAfterPush)) {
      const id = selectAfterPush;
      selectAfterPush = null;
      openCard(id, true);
    }
    markSelection();
    firstState = false;
  }

  // Ask for the full state now (after a conflict) rather than wait for the next push.
  function refetch() {
    return CallinApi.get("/shows/" + showId + "/queue").then(applyState).catch(() => {});
  }

  onAirOutcome = OutcomeForm(document.getElementById("on-air-outcome"), "onair");
  cardOutcome = OutcomeForm(document.getElementById("card-outcome"), "card");
  const referenceReady = CallinApi.get("/reference").then((data) => {
    reference = data;
    fillReference();
  }).catch(failed);
  referenceReady.then(() => {
    CallinLive.watchShow(showId, applyState, setConnection);
  });
  setConnection("disconnected");
  connection.textContent = S.connecting;
})();
