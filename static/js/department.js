// The department portal: filtered case list with keyset paging, and a live badge for new work.
(function () {
  "use strict";
  const S = JSON.parse(document.getElementById("strings").textContent);
  const esc = CallinLive.escapeHtml;
  const $ = (id) => document.getElementById(id);
  const root = $("portal");
  if (!root) return;
  const form = $("filters");
  const rows = $("case-rows");
  const more = $("more");
  const badge = $("live-badge");
  const baseTitle = document.title;
  let fresh = new Set();         // ids of cases dispatched to us since the badge was last cleared
  let counts = {cases: 0, notices: 0};

  // ---- the list ----
  function rowHtml(row) {
    const link = "/cases/" + encodeURIComponent(row.id);
    const ours = row.lead_department && row.lead_department.id === S.department_id;
    const classes = [row.overdue ? "is-overdue" : "", fresh.has(row.id) ? "is-new" : ""]
      .filter(Boolean).join(" ");
    return '<tr data-case-id="' + esc(row.id) + '"' + (classes ? ' class="' + classes + '"' : "") + ">" +
      '<td class="nowrap"><a class="mono" href="' + link + '">' + esc(row.number) + "</a>" +
      (row.urgency === "urgent" ? ' <span class="badge warning">' + esc(S.urgencies.urgent) + "</span>" : "") +
      "</td>" +
      '<td class="case-title-cell"><a href="' + link + '">' + esc(row.title) + "</a>" +
      '<div class="sub">' + esc(S.natures[row.nature] || row.nature) +
      (row.category ? " · " + esc(row.category) : "") + "</div></td>" +
      '<td><span class="badge case-state state-' + esc(row.state) + '">' +
      esc(S.states[row.state] || row.state) + "</span></td>" +
      '<td class="nowrap">' + esc(row.citizen_name || "—") +
      '<div class="sub mono">' + esc(row.citizen_phone || "") + "</div></td>" +
      "<td>" + esc(row.town || "—") + "</td>" +
      '<td class="nowrap">' + esc(CallinCaseList.localTime(row.registered_at)) + "</td>" +
      '<td class="nowrap">' + esc(CallinCaseList.localTime(row.reply_due_at) || "—") +
      (row.overdue ? ' <span class="badge danger">' + esc(S.overdue) + "</span>" : "") + "</td>" +
      "<td>" + esc(ours ? S.department_roles.lead : S.department_roles.co) + "</td></tr>";
  }

  function params() {
    const query = new URLSearchParams();
    ["state", "number", "text"].forEach((name) => {
      const value = form.elements[name].value.trim();
      if (value) query.set(name, value);
    });
    if (form.elements.overdue.checked) query.set("overdue", "1");
    return query;
  }

  function markTab(query) {
    const keys = Array.from(query.keys());
    let tab = "";
    if (!keys.length) tab = "all";
    else if (query.get("overdue") === "1") tab = "overdue";
    else if (keys.length === 1 && query.get("state") === "open") tab = "open";
    document.querySelectorAll(".tabs [data-tab]").forEach((a) => {
      if (a.dataset.tab === tab) a.setAttribute("aria-current", "page");
      else a.removeAttribute("aria-current");
    });
  }

  const list = CallinCaseList.attach({
    root: root, form: form, rows: rows, more: more, empty: $("empty"), errorBox: $("list-error"),
    strings: S, rowHtml: rowHtml, params: params, onFirstPage: markTab});
  const load = list.load;

  form.elements.overdue.addEventListener("change", () => load(false));
  form.elements.state.addEventListener("change", () => load(false));

  function setFilters(values) {
    form.elements.state.value = values.state || "";
    form.elements.number.value = "";
    form.elements.text.value = "";
    form.elements.overdue.checked = Boolean(values.overdue);
  }

  const TABS = {all: {}, open: {state: "open"}, overdue: {overdue: true}};
  document.querySelectorAll(".tabs [data-tab]").forEach((a) => {
    a.addEventListener("click", (event) => {
      event.preventDefault();
      setFilters(TABS[a.dataset.tab]);
      load(false);
    });
  });
  $("clear-filters").addEventListener("click", (event) => {
    event.preventDefault();
    setFilters({});
    load(false);
  });

  // ---- live: new cases and notices for this department ----
  function badgeText() {
    const parts = [];
    if (counts.cases === 1) parts.push(S.new_case);
    else if (counts.cases > 1) parts.push(S.new_cases.replace("{n}", counts.cases));
    if (counts.notices === 1) parts.push(S.one_notice);
    else if (counts.notices > 1) parts.push(S.notices.replace("{n}", counts.notices));
    return parts.join(" · ");
  }

  function showBadge() {
    const total = counts.cases + counts.notices;
    badge.textContent = badgeText();
    badge.hidden = total === 0;
    document.title = (total ? "(" + total + ") " : "") + baseTitle;
  }

  badge.addEventListener("click", () => {
    counts = {cases: 0, notices: 0};
    fresh = new Set();
    showBadge();
    // Show the new rows (still highlighted) where the list starts.
    root.scrollIntoView({behavior: "smooth", block: "start"});
    setTimeout(() => rows.querySelectorAll("tr.is-new").forEach((tr) => tr.classList.remove("is-new")), 4000);
  });

  let refreshTimer = null;
  function refreshSoon() {
    clearTimeout(refreshTimer);
    refreshTimer = setTimeout(list.refresh, 250);  // one reload for a burst of pushes
  }

  function setStatus(status) {
    const conn = $("conn");
    conn.dataset.status = status;
    conn.textContent = status === "connected" ? S.connected : S.disconnected;
  }

  if (typeof window.io === "function") {
    const socket = window.io("/live", {transports: ["websocket", "polling"]});
    let connectedBefore = false;
    socket.on("connect", () => {
      setStatus("connected");
      if (connectedBefore) refreshSoon();  // pushes may have been missed while away
      connectedBefore = true;
    });
    socket.on("disconnect", () => setStatus("disconnected"));
    socket.on("connect_error", () => setStatus("disconnected"));
    socket.on("department", (event) => {
      if (!event) return;
      if (event.kind === "dispatched") {
        counts.cases += 1;
        if (event.case_id) fresh.add(event.case_id);
      } else if (event.kind === "notices") {
        counts.notices += Number(event.count) || 1;
      }
      showBadge();
      refreshSoon();
    });
  }
})();
