// The running clocks: every element with data-since shows the time since then, each second;
// data-limit adds the limit and near/over colours, data-warn turns it "over" past a wait limit.
(function () {
  "use strict";

  const P = window.CallinProducer;
  if (!P.root) return;
  const {clock, since, $$} = P;

  P.tick = function () {
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
  };
  setInterval(P.tick, 1000);
})();
