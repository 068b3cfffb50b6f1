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
  let nextCursor = root.dataset.nextCursor || null;
  let fresh = new Set();         // ids of cases dispatched to us since the badge was last cleared
  let counts = {cases: 0, notices: 0};
  let loading = 0;               // the number of the latest list request; older answers are dropped
  let pagedOn = false;           // whether "More" has added pages below the first

  // ---- times in Asia/Shanghai, like the server renders them ----
  const timeParts = new Intl.DateTimeFormat("zh-CN", {
    timeZone: "Asia/Shanghai", year: "numeric", month: "2-digit", day: "2-digit",
    hour: "2-digit", minute: "2-digit", hourCycle: "h23"});

  function localTime(iso) {
    if (!iso) return "";
    const p = {};
    timeParts.formatToParts(new Date(iso)).forEach((part) => { p[part.type] = part.value; });
    return p.year + "-" + p.month + "-" + p.day + " " + p.hour + ":" + p.minute;
  }

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
      '<td class="nowrap">' + esc(localTime(row.registered_at)) + "</td>" +
      '<td class="nowrap">' + esc(localTime(row.reply_due_at) || "—") +
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

  function clearErrors() {
    form.querySelectorAll("[data-error-for]").forEach((el) => { el.hidden = true; el.textContent = ""; });
    form.querySelectorAll("[aria-invalid]").forEach((el) => el.removeAttribute("aria-invalid"));
    $("list-error").hidden = true;
  }

  function showError(error) {
    const box = $("list-error");
    box.textContent = error instanceof CallinApi.ApiError
      ? (error.status === 401 ? S.login : error.message) : S.network;
    box.hidden = false;
    Object.entries((error && error.fields) || {}).forEach(([name, problem]) => {
      const slot = form.querySelector('[data-error-for="' + name + '"]');
      if (slot) { slot.textContent = problem; slot.hidden = false; }
      if (form.elements[name]) form.elements[name].setAttribute("aria-invalid", "true");
    });
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

  function setMore(cursor, query) {
    nextCursor = cursor;
    more.hidden = !cursor;
    if (cursor) {
      const next = new URLSearchParams(query);
      next.set("cursor", cursor);
      more.href = "?" + next.toString();
    }
  }

  // Load the first page (replace) or the next one (append) of the current filters.
  async function load(append) {
    const query = params();
    const request = ++loading;
    const api = new URLSearchParams(query);
    if (append && nextCursor) api.set("cursor", nextCursor);
    clearErrors();
    more.setAttribute("aria-busy", "true");
    try {
      const page = await CallinApi.get("/cases?" + api.toString());
      if (request !== loading) return;
      const html = page.cases.map(rowHtml).join("");
      if (append) rows.insertAdjacentHTML("beforeend", html);
      else rows.innerHTML = html;
      pagedOn = append;
      $("empty").hidden = rows.children.length > 0;
      setMore(page.next_cursor, query);
      if (!append) {
        history.replaceState(null, "", window.location.pathname + (query.toString() ? "?" + query : ""));
        markTab(query);
      }
    } catch (error) {
      if (request === loading) showError(error);
    } finally {
      more.removeAttribute("aria-busy");
    }
  }

  form.addEventListener("submit", (event) => { event.preventDefault(); load(false); });
  form.elements.overdue.addEventListener("change", () => load(false));
  form.elements.state.addEventListener("change", () => load(false));
  more.addEventListener("click", (event) => { event.preventDefault(); load(true); });

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

  // After "More", a live event must not throw away the pages already read: the first page is
  // fetched again, rows already shown are updated in place and new ones go on top.
  async function refreshInPlace() {
    const query = params();
    const request = ++loading;
    try {
      const page = await CallinApi.get("/cases?" + query.toString());
      if (request !== loading) return;
      const shown = new Map(Array.from(rows.children, (tr) => [tr.dataset.caseId, tr]));
      const added = [];
      page.cases.forEach((row) => {
        const old = shown.get(String(row.id));
        if (old) old.outerHTML = rowHtml(row);
        else added.push(rowHtml(row));
      });
      rows.insertAdjacentHTML("afterbegin", added.join(""));
      $("empty").hidden = rows.children.length > 0;
    } catch (error) {
      if (request === loading) showError(error);
    }
  }

  let refreshTimer = null;
  function refreshSoon() {
    clearTimeout(refreshTimer);
    // one reload for a burst of pushes
    refreshTimer = setTimeout(() => (pagedOn ? refreshInPlace() : load(false)), 250);
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
