// The public now-on-air page: the current topic and category only, never anything personal.
(function () {
  "use strict";
  const S = JSON.parse(document.getElementById("strings").textContent);
  const $ = (id) => document.getElementById(id);
  const RELOAD_MS = 30000;

  const root = $("onair");
  if (!root) {
    setTimeout(() => window.location.reload(), RELOAD_MS);
    return;
  }
  const showId = Number(root.dataset.showId);
  let ended = false;

  function showEnded() {
    if (ended) return;
    ended = true;
    const badge = $("onair-live");
    badge.textContent = S.ended_badge;
    badge.classList.add("ended");
    $("onair-topic").textContent = S.ended;
    $("onair-topic").classList.add("between");
    $("onair-category").textContent = "";
    setTimeout(() => window.location.reload(), RELOAD_MS);  // the next show opens by itself
  }

  // Only the topic and category are read, whatever else a payload might carry.
  function apply(state) {
    if (state.state === "ended") {
      showEnded();
      return;
    }
    const call = (state.calls || []).find((c) => c.state === "on_air");
    const topic = $("onair-topic");
    topic.textContent = call && call.topic ? call.topic : S.between;
    topic.classList.toggle("between", !(call && call.topic));
    $("onair-category").textContent = call && call.category ? call.category.name : "";
  }

  function onStatus(status) {
    const badge = document.querySelector("[data-testid=connection-status]");
    badge.dataset.status = status;
    badge.textContent = S[status] || status;
  }

  CallinLive.watchShow(showId, apply, onStatus, {audience: "public"});
})();
