// The queue of ready calls: its rows, the order the producer sets (drag, or Alt+↑/↓ on a row,
// see lists.js), and sending that order to the server one request after another.
(function () {
  "use strict";

  const P = window.CallinProducer;
  if (!P.root) return;
  const {S, esc, $$, testId, showId, state} = P;
  const queueList = testId("queue-list");
  let pendingOrder = null;     // ids in the order we asked for, until the server answers
  let dragging = null;
  let queueChain = Promise.resolve();

  function queueRow(call, index) {
    const warn = state.live.show.wait_warning_s;
    return '<li class="pc-qrow" data-testid="queue-row-' + call.id + '" data-call-id="' + call.id +
      '" draggable="true" tabindex="0" aria-selected="' + (call.id === state.selectedId) + '">' +
      '<div ' + P.rowAttrs(call, "call-row-" + call.id).replace('tabindex="0" ', "") + ">" +
      '<span class="pc-pos">' + (index + 1) + "</span>" +
      '<div class="pc-qbody"><div class="pc-row-main"><span class="pc-name">' + esc(call.name || S.no_name) + "</span>" +
      '<span class="pc-town">' + esc(P.townName(call)) + "</span>" +
      (call.urgency === "urgent" ? '<span class="pc-urgent">' + esc(S.urgent) + "</span>" : "") +
      (call.source !== "phone" ? '<span class="pc-source">' + esc(S.sources[call.source] || call.source) + "</span>" : "") +
      '<span class="pc-timer wait" data-since="' + esc(call.ready_at) + '" data-warn="' + warn + '" title="' +
      esc(S.wait_time) + '"></span></div>' +
      '<div class="pc-row-sub"><span class="pc-topic" title="' + esc(call.topic) + '">' + esc(call.topic) + "</span>" +
      P.flagBadge(call.caller) + "</div></div>" +
      '<span class="pc-grip" aria-hidden="true">⋮⋮</span></div></li>';
  }

  // The ready calls in queue order; while our own reorder is in flight, in the order we asked for.
  P.readyCalls = function () {
    const ready = P.callsIn("ready");
    ready.sort((a, b) => (a.position ?? 1e9) - (b.position ?? 1e9) || a.id - b.id);
    if (pendingOrder) {
      const ids = ready.map((c) => c.id).sort().join();
      if ([...pendingOrder].sort().join() === ids) {
        return pendingOrder.map((id) => state.calls.get(id));
      }
    }
    return ready;
  };

  P.queuePosition = (id) => P.readyCalls().findIndex((c) => c.id === id) + 1;

  P.renderQueue = function () {
    if (dragging) return;  // a re-render would cancel the drag; dragend renders
    const ready = P.readyCalls();
    P.replaceList(queueList, ready.map(queueRow), S.queue_empty);
    document.getElementById("queue-count").textContent = ready.length;
    P.tick();
  };

  function sendOrder(ids) {
    pendingOrder = ids;
    P.renderQueue();
    queueChain = queueChain.then(() => CallinApi.put("/shows/" + showId + "/queue", {call_ids: ids})
      .then(() => { if (pendingOrder === ids) pendingOrder = null; })
      .catch((error) => {
        pendingOrder = null;
        P.flash(error.message, "error");
        if (error.code === "stale_queue") P.refetch();
        else P.renderQueue();
      }));
  }

  P.moveInQueue = function (callId, delta) {
    const ids = P.readyCalls().map((c) => c.id);
    const from = ids.indexOf(callId);
    const to = from + delta;
    if (from < 0 || to < 0 || to >= ids.length) return;
    ids.splice(to, 0, ids.splice(from, 1)[0]);
    sendOrder(ids);
    const row = testId("queue-row-" + callId);
    if (row) row.focus();
  };

  // ---------------------------------------------------------------- drag and drop
  function clearMarks(...classes) {
    $$(classes.map((c) => "." + c).join(", "), queueList).forEach((el) => el.classList.remove(...classes));
  }

  // Whether a drop at `event` lands after `row` (its lower half) rather than before it.
  function dropsAfter(row, event) {
    const box = row.getBoundingClientRect();
    return event.clientY >= box.top + box.height / 2;
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
    clearMarks("drop-before", "drop-after");
    const row = event.target.closest(".pc-qrow");
    if (!row || Number(row.dataset.callId) === dragging) return;
    row.classList.add(dropsAfter(row, event) ? "drop-after" : "drop-before");
  });

  queueList.addEventListener("drop", (event) => {
    if (dragging == null) return;
    event.preventDefault();
    clearMarks("dragging", "drop-before", "drop-after");
    const row = event.target.closest(".pc-qrow");
    const moved = dragging;
    dragging = null;
    if (!row || Number(row.dataset.callId) === moved) { P.renderQueue(); return; }
    const ids = P.readyCalls().map((c) => c.id).filter((id) => id !== moved);
    let at = ids.indexOf(Number(row.dataset.callId));
    if (dropsAfter(row, event)) at += 1;
    ids.splice(at, 0, moved);
    sendOrder(ids);
  });

  queueList.addEventListener("dragend", () => {
    clearMarks("dragging", "drop-before", "drop-after");
    if (dragging != null) { dragging = null; P.renderQueue(); }
  });
})();
