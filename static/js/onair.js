// The public now-on-air page: the current topic and category only, never anything personal.
(function () {
  "use strict";
  const S = JSON.parse(document.getElementById("strings").textContent);
  const $ = (id) => document.getElementById(id);
  const RELOAD_MS = 30000;
  const form = $("message-form");

  // What the person typed is never thrown away by the page reloading itself.
  function typedSomething() {
    return Boolean(form && Array.from(form.querySelectorAll("input[name=name], input[name=phone], textarea"))
      .some((field) => field.value.trim()));
  }

  function reloadLater() {
    setTimeout(function again() {
      if (typedSomething()) setTimeout(again, RELOAD_MS);
      else window.location.reload();
    }, RELOAD_MS);
  }

  if (form) {
    const text = form.querySelector("textarea[name=text]");
    const counter = $("message-count");
    const count = () => {
      counter.textContent = S.chars_left.replace("{n}", String(Math.max(0, 500 - text.value.length)));
    };
    text.addEventListener("input", count);
    if (text.value) count();
  }

  const root = $("onair");
  if (!root) {
    if (!$("message-kept")) reloadLater();
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
    if (form) {
      // The lines are closed now; what was typed stays readable so it can go to the web form.
      form.querySelectorAll("input, textarea, button").forEach((field) => { field.readOnly = true; });
      form.querySelector("button[type=submit]").disabled = true;
      $("message-closed").hidden = false;
    }
    reloadLater();  // the next show opens by itself
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
