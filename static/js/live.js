// Keeps one show's live state in step with the server over Socket.IO.
// The server pushes `queue` with a version that rises by one per committed change. Older or equal
// versions are ignored; a gap (or a reconnect) triggers `watch` again, whose acknowledgement is the
// full state. `onState(state)` is called once per new state, never twice for one version.
(function (global) {
  "use strict";

  // options.audience = "public" asks for the public view even when logged in (never a higher one).
  function watchShow(showId, onState, onStatus, options) {
    const request = {show_id: showId};
    if (options && options.audience) request.audience = options.audience;
    let version = -1;
    let resyncing = false;
    const status = onStatus || function () {};
    const socket = global.io("/live", {transports: ["websocket", "polling"]});

    function accept(state) {
      if (!state || state.error) {
        status("error", state && state.error ? state.error.message : "");
        return;
      }
      if (state.version <= version) return;
      version = state.version;
      onState(state);
    }

    function resync() {
      if (resyncing) return;
      resyncing = true;
      socket.emit("watch", request, (state) => {
        resyncing = false;
        accept(state);
      });
    }

    socket.on("connect", () => { status("connected"); resync(); });
    socket.on("disconnect", () => {
      resyncing = false;  // an unanswered watch is lost with the connection; ask again on connect
      status("disconnected");
    });
    socket.on("connect_error", () => status("disconnected"));
    socket.on("queue", (state) => {
      if (state.show_id !== showId || state.version <= version) return;
      if (state.version === version + 1 || version < 0) accept(state);
      else resync();  // a gap: some push was missed, ask for the whole state
    });
    return {socket, resync, version: () => version};
  }

  // Seconds since an ISO time, by the browser's clock.
  function secondsSince(iso) {
    return iso ? Math.max(0, Math.floor((Date.now() - Date.parse(iso)) / 1000)) : 0;
  }

  function clock(seconds) {
    const sign = seconds < 0 ? "-" : "";
    const s = Math.abs(seconds);
    return sign + Math.floor(s / 60) + ":" + String(s % 60).padStart(2, "0");
  }

  function escapeHtml(text) {
    return String(text == null ? "" : text).replace(/[&<>"']/g, (c) => (
      {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"}[c]));
  }

  global.CallinLive = {watchShow, secondsSince, clock, escapeHtml};
})(window);
