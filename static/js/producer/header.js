// The console's header: show state, the lines switch, simulated calls, ending the show, and the
// live-updates indicator.
(function () {
  "use strict";

  const P = window.CallinProducer;
  if (!P.root) return;
  const {S, $, $$, testId, root, showId, state} = P;

  const linesButton = testId("lines-toggle");
  const simulateButton = testId("simulate-call");
  const connection = testId("connection-status");
  const endButton = document.getElementById("end-show");
  const endConfirm = document.getElementById("end-show-confirm");

  P.renderHeader = function (show) {
    const stateBadge = document.getElementById("show-state");
    stateBadge.textContent = P.stateName(show.state);
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
  };

  if (linesButton) linesButton.addEventListener("click", () => {
    const open = !(state.live && state.live.show.lines_open);
    linesButton.disabled = true;
    CallinApi.post("/shows/" + showId + "/lines", {open})
      .then(() => P.flash(open ? S.lines_now_open : S.lines_now_closed))
      .catch(P.failed)
      .finally(() => { linesButton.disabled = !P.isShowLive(); });
  });

  if (simulateButton) simulateButton.addEventListener("click", () => {
    simulateButton.disabled = true;
    CallinApi.post("/shows/" + showId + "/simulate")
      .catch(P.failed)
      .finally(() => { simulateButton.disabled = !P.isShowLive() || !state.live.show.lines_open; });
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
        .then(() => P.flash(S.show_ended))
        .catch(P.failed)
        .finally(() => {
          endConfirm.hidden = true;
          endButton.hidden = !P.isShowLive();
        });
    });
  }

  // Escape closes the "end the show?" question as if Cancel were clicked.
  P.cancelEndShow = function () {
    if (endConfirm && !endConfirm.hidden) $("[data-end-no]", endConfirm).click();
  };

  P.setConnection = function (status, message) {
    connection.dataset.status = status;
    connection.className = "pc-conn conn-" + status;
    connection.textContent = status === "connected" ? S.connected
      : status === "error" ? (message || S.connection_error) : S.disconnected;
    root.classList.toggle("offline", status !== "connected");
  };

  P.showConnecting = function () {
    P.setConnection("disconnected");
    connection.textContent = S.connecting;
  };
})();
