// The office workbench: case lists by step of the closed loop, each a keyset-paged
// GET /api/v1/cases, with inline forms (dispatch, reject, review, return visit) that write through
// the JSON API; plus a search over all cases. Also exports window.CallinOffice, the helpers that
// hotline.js shares (department picker, dispatch form, form errors, times).
(function (global) {
  "use strict";

  const readJson = (id) => {
    const el = document.getElementById(id);
    return el ? JSON.parse(el.textContent) : {};
  };
  const S = readJson("office-strings");
  const REF = readJson("office-reference");
  const DEPARTMENTS = REF.departments || [];

  const fmt = (text, values) => String(text).replace(/\{(\w+)\}/g, (m, k) => (k in values ? values[k] : m));
  const TIME = new Intl.DateTimeFormat("zh-CN", {timeZone: "Asia/Shanghai", year: "numeric",
    month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", hour12: false});
  const when = (iso) => (iso ? TIME.format(new Date(iso)).replace(/\//g, "-") : "—");

  // A copy of a <template>'s first element.
  const clone = (id) => document.getElementById(id).content.firstElementChild.cloneNode(true);
  const role = (scope, name) => scope.querySelector('[data-role="' + name + '"]');

  // The department typed or picked: exact name or code, else the only name containing the text.
  function findDepartment(text) {
    const wanted = String(text || "").trim().toLowerCase();
    if (!wanted) return null;
    const exact = DEPARTMENTS.find((d) => d.name.toLowerCase() === wanted
                                          || String(d.code || "").toLowerCase() === wanted);
    if (exact) return exact;
    const partial = DEPARTMENTS.filter((d) => d.name.toLowerCase().includes(wanted));
    return partial.length === 1 ? partial[0] : null;
  }

  // ------------------------------------------------------------------ form errors
  function clearErrors(form) {
    form.querySelectorAll("[data-error-for]").forEach((slot) => { slot.textContent = ""; });
    form.querySelectorAll('[aria-invalid="true"]').forEach((el) => el.removeAttribute("aria-invalid"));
    const box = role(form, "error");
    if (box) box.textContent = "";
  }

  function fieldError(form, name, problem) {
    const slot = form.querySelector('[data-error-for="' + name + '"]');
    if (!slot) return false;
    slot.textContent = problem;
    const input = slot.closest("label, fieldset").querySelector("input, select, textarea");
    if (input) input.setAttribute("aria-invalid", "true");
    return true;
  }

  // The server's message in the form's error line, each field problem next to its field.
  function showErrors(form, error) {
    const fields = (error && error.fields) || {};
    const unplaced = Object.keys(fields).filter((name) => !fieldError(form, name, fields[name]))
      .map((name) => name + ": " + fields[name]);
    const box = role(form, "error");
    const text = (error instanceof CallinApi.ApiError && error.message) || S.failed;
    if (box) box.textContent = [text].concat(unplaced).join(" ");
    const invalid = form.querySelector('[aria-invalid="true"]');
    if (invalid) invalid.focus();
  }

  // A field's problem goes away as soon as the field is edited.
  function clearOnEdit(form) {
    form.addEventListener("input", (event) => {
      const label = event.target.closest("label, fieldset");
      const slot = label && label.querySelector("[data-error-for]");
      if (slot) slot.textContent = "";
      event.target.removeAttribute("aria-invalid");
    });
  }

  // Run one API call from a form: buttons off meanwhile, errors shown in the form.
  async function submit(form, call) {
    clearErrors(form);
    const buttons = form.querySelectorAll("button");
    buttons.forEach((b) => { b.disabled = true; });
    try {
      return await call();
    } catch (error) {
      showErrors(form, error);
      return null;
    } finally {
      buttons.forEach((b) => { b.disabled = false; });
    }
  }

  // ------------------------------------------------------------------ dispatch form
  // `item` is the case row ({id, version, ...}); onDone(updatedCase, message) after success.
  function dispatchForm(item, onDone, onError) {
    const form = clone("tpl-dispatch");
    clearOnEdit(form);
    const lead = form.querySelector('[data-name="lead"]');
    const co = form.querySelector('[data-name="co"]');
    const chips = role(form, "co-chips");
    const chosen = new Map();

    function addCo() {
      const department = findDepartment(co.value);
      if (!department) return !co.value.trim();
      if (!chosen.has(department.id)) {
        chosen.set(department.id, department);
        const chip = document.createElement("li");
        chip.textContent = department.name + " ";
        const remove = document.createElement("button");
        remove.type = "button";
        remove.className = "link";
        remove.textContent = "×";
        remove.title = remove.ariaLabel = S.remove + " " + department.name;
        remove.addEventListener("click", () => { chosen.delete(department.id); chip.remove(); co.focus(); });
        chip.appendChild(remove);
        chips.appendChild(chip);
      }
      co.value = "";
      return true;
    }
    co.addEventListener("input", (event) => {
      // A pick from the list (not typing) adds the department at once.
      if (!event.inputType || event.inputType === "insertReplacementText") addCo();
    });
    co.addEventListener("keydown", (event) => {
      if (event.key !== "Enter") return;
      event.preventDefault();
      if (!addCo()) fieldError(form, "co_department_ids", S.unknown_department);
    });

    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const department = findDepartment(lead.value);
      const coOk = addCo();
      clearErrors(form);
      if (!department || !coOk) {
        if (!department) fieldError(form, "lead_department_id", S.unknown_department);
        if (!coOk) fieldError(form, "co_department_ids", S.unknown_department);
        (department ? co : lead).focus();
        return;
      }
      const data = await submit(form, () => CallinApi.post("/cases/" + item.id + "/dispatch", {
        lead_department_id: department.id, co_department_ids: Array.from(chosen.keys()),
        version: item.version}).catch((error) => {
        if (onError) onError(error);
        throw error;
      }));
      if (data) onDone(data.case, fmt(S.dispatched, {number: data.case.number, department: department.name}));
    });
    return form;
  }

  // ------------------------------------------------------------------ page message
  function message(text, kind) {
    const box = document.getElementById("ow-message");
    if (!box) return;
    box.className = "flash " + (kind || "success");
    box.setAttribute("role", kind === "error" ? "alert" : "status");
    box.textContent = text;
    box.hidden = false;
  }

  global.CallinOffice = {S, REF, fmt, when, clone, role, findDepartment, clearErrors, fieldError,
                         clearOnEdit, showErrors, submit, dispatchForm, message};
})(window);

// ==================================================================== the workbench
(function () {
  "use strict";

  const root = document.getElementById("workbench");
  if (!root) return;
  const O = window.CallinOffice;
  const {S, fmt, when, clone, role} = O;
  const base = root.dataset.caseBase;
  const lists = {};
  root.querySelectorAll("[data-section]").forEach((section) => {
    lists[section.dataset.section] = {key: section.dataset.section, section, query: section.dataset.query,
                                      table: section.querySelector("table"), cursor: null, count: 0, run: 0};
  });
  const searchForm = document.getElementById("search-form");

  // ------------------------------------------------------------------ lists
  async function load(list, more) {
    const run = more ? list.run : ++list.run;
    const params = new URLSearchParams(list.query);
    if (more && list.cursor) params.set("cursor", list.cursor);
    if (!params.has("limit")) params.set("limit", root.dataset.pageSize || "25");
    const status = role(list.section, "status");
    status.textContent = S.loading;
    role(list.section, "placeholder").hidden = more;
    try {
      const data = await CallinApi.get("/cases?" + params.toString());
      if (run !== list.run) return;   // a newer load of this list has started
      if (!more) {
        list.table.querySelectorAll("tbody.ow-case").forEach((body) => body.remove());
        list.count = 0;
      }
      data.cases.forEach((item) => list.table.appendChild(renderCase(list, item)));
      list.count += data.cases.length;
      list.cursor = data.next_cursor;
      role(list.section, "placeholder").hidden = true;
      showCount(list);
    } catch (error) {
      if (run !== list.run) return;
      role(list.section, "placeholder").hidden = false;
      status.textContent = error.message || S.failed;
      if (list.key === "search") O.showErrors(searchForm, error);
    }
  }

  function showCount(list) {
    role(list.section, "empty").hidden = list.count > 0;
    role(list.section, "more").hidden = !list.cursor;
    const badge = root.querySelector('[data-count="' + list.key + '"]');
    if (badge) badge.textContent = list.count + (list.cursor ? "+" : "");
  }

  function renderCase(list, item) {
    const body = clone("tpl-case");
    body.dataset.caseId = item.id;
    role(body, "link").href = base + item.id;
    role(body, "number").textContent = item.number;
    role(body, "title").textContent = item.title;
    const meta = role(body, "meta");
    const words = [S.natures[item.nature], S.channels[item.channel], item.category, item.town];
    meta.textContent = words.filter(Boolean).join(" · ");
    if (item.urgency === "urgent") meta.prepend(badge(S.urgent, "danger"));
    if (list.key === "search" || list.key === "overdue") meta.prepend(badge(S.states[item.state] || item.state, "info"));
    role(body, "citizen").textContent = item.citizen_name || "—";
    role(body, "phone").textContent = item.citizen_phone || "";
    const department = role(body, "department");
    department.textContent = item.lead_department ? item.lead_department.name : S.no_department;
    department.classList.toggle("muted", !item.lead_department);
    role(body, "registered").textContent = when(item.registered_at);
    role(body, "due").textContent = when(item.reply_due_at);
    role(body, "overdue").hidden = !item.overdue;
    body.classList.toggle("is-overdue", Boolean(item.overdue));
    const build = ACTIONS[list.key];
    if (build) {
      role(body, "action-row").hidden = false;
      build(role(body, "actions"), item, (message, stays) => done(list, body, message, stays));
    }
    return body;
  }

  function badge(text, kind) {
    const el = document.createElement("span");
    el.className = "badge " + kind;
    el.textContent = text;
    return el;
  }

  // After an action: say what happened, drop the row (unless it stays), refresh the other lists.
  function done(list, body, text, stays) {
    O.message(text, "success");
    if (!stays) {
      body.remove();
      list.count -= 1;
      showCount(list);
    }
    Object.values(lists).forEach((other) => {
      if (other !== list && (other.key !== "search" || other.query)) load(other);
    });
  }

  function stale(list) {
    return (error) => {
      if (error.code !== "stale_version") return;
      O.message(error.message + " " + S.stale, "error");
      load(list);
    };
  }

  // ------------------------------------------------------------------ inline actions per list
  function rejectForm(item, finish) {
    const details = clone("tpl-reject");
    const form = details.querySelector("form");
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const reason = form.querySelector('[data-name="reason"]').value;
      const data = await O.submit(form, () => CallinApi.post("/cases/" + item.id + "/reject", {reason}));
      if (data) finish(fmt(S.rejected, {number: data.case.number}));
    });
    return details;
  }

  function dispatchAndReject(box, item, finish, list) {
    box.append(O.dispatchForm(item, (updated, text) => finish(text), stale(list)), rejectForm(item, finish));
  }

  // The case's full record, for the blocks that show the reason or the reply.
  function withDetail(item, fill) {
    CallinApi.get("/cases/" + item.id).then(fill).catch((error) => fill(null, error));
  }

  function replyBlock(item) {
    const block = clone("tpl-reply");
    withDetail(item, (detail, error) => {
      if (!detail) { role(block, "public").textContent = error.message || S.failed; return; }
      role(block, "public").textContent = detail.reply_public || "—";
      role(block, "internal").textContent = detail.reply_internal;
      role(block, "internal-line").hidden = !detail.reply_internal;
      role(block, "resolved").textContent = S.resolved[detail.resolved] || "";
      role(block, "resolved-line").hidden = !detail.resolved;
      const attempts = detail.events.filter((e) => e.kind === "return_visit").length;
      role(block, "visits").textContent = attempts ? fmt(S.earlier_attempts, {n: attempts}) : "";
    });
    return block;
  }

  function reviewForm(item, finish) {
    const form = clone("tpl-review");
    const sendBack = form.querySelector('[data-decision="send_back"]');
    form.querySelector('[data-name="note"]').addEventListener("keydown", (event) => {
      // Enter in the note means "send back", never the form's first button (accept).
      if (event.key !== "Enter" || event.isComposing || event.keyCode === 229) return;
      event.preventDefault();
      form.requestSubmit(sendBack);
    });
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const accept = !(event.submitter && event.submitter.dataset.decision === "send_back");
      const note = form.querySelector('[data-name="note"]').value;
      const data = await O.submit(form, () => CallinApi.post("/cases/" + item.id + "/review", {accept, note}));
      if (data) finish(fmt(accept ? S.accepted : S.sent_back, {number: data.case.number}));
    });
    return form;
  }

  function visitForm(item, finish) {
    const form = clone("tpl-visit");
    form.querySelectorAll("input[type=radio]").forEach((input) => {
      input.name = "visit-" + item.id + "-" + input.dataset.name;
    });
    const value = (name) => (form.querySelector('[data-name="' + name + '"]:checked') || {}).value;
    const fault = form.querySelector('[data-name="department_at_fault"]');
    function update() {
      const reached = value("result") === "reached";
      form.querySelectorAll('[data-when="reached"]').forEach((el) => { el.hidden = !reached; });
      const reopen = reached && value("satisfaction") === "unsatisfied" && fault.checked;
      role(form, "outcome").textContent = !value("result") ? "" : reopen ? S.will_reopen
        : value("result") === "unreachable" ? S.unreachable_rule : S.will_close;
    }
    form.addEventListener("change", update);
    update();
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const body = {result: value("result") || null, resolved: value("resolved") || null,
                    satisfaction: value("satisfaction") || null, department_at_fault: fault.checked,
                    comment: form.querySelector('[data-name="comment"]').value};
      const data = await O.submit(form, () => CallinApi.post("/cases/" + item.id + "/return-visits", body));
      if (!data) return;
      const state = data.case.state;
      const text = state === "closed" ? S.visit_closed : state === "in_progress" ? S.visit_reopened : S.visit_pending;
      item.version = data.case.version;
      if (state === "awaiting_visit") { form.reset(); update(); }
      finish(fmt(text, {number: data.case.number}), state === "awaiting_visit");
    });
    return form;
  }

  const ACTIONS = {
    triage: (box, item, finish) => dispatchAndReject(box, item, finish, lists.triage),
    returned: (box, item, finish) => {
      const reason = clone("tpl-returned");
      withDetail(item, (detail, error) => {
        const last = detail ? detail.events.filter((e) => e.to_state === "returned").pop() : null;
        role(reason, "text").textContent = detail ? (last && last.text) || S.no_reason : error.message || S.failed;
        if (last) role(reason, "by").textContent = fmt(S.returned_by, {actor: last.actor, time: when(last.at)});
      });
      box.append(reason);
      dispatchAndReject(box, item, finish, lists.returned);
    },
    review: (box, item, finish) => box.append(replyBlock(item), reviewForm(item, finish)),
    visits: (box, item, finish) => box.append(replyBlock(item), visitForm(item, finish)),
  };

  // ------------------------------------------------------------------ tabs
  const tabs = Array.from(root.querySelectorAll("[data-tab]"));
  function select(key, focus) {
    tabs.forEach((tab) => {
      const on = tab.dataset.tab === key;
      tab.setAttribute("aria-selected", on ? "true" : "false");
      tab.tabIndex = on ? 0 : -1;
      if (on && focus) tab.focus();
    });
    Object.values(lists).forEach((list) => { list.section.hidden = list.key !== key; });
    history.replaceState(null, "", location.pathname + location.search + "#" + key);
  }
  tabs.forEach((tab, index) => {
    tab.addEventListener("click", () => select(tab.dataset.tab));
    tab.addEventListener("keydown", (event) => {
      const step = {ArrowRight: 1, ArrowLeft: -1}[event.key];
      if (step) select(tabs[(index + step + tabs.length) % tabs.length].dataset.tab, true);
    });
  });

  // ------------------------------------------------------------------ search
  function searchQuery() {
    const page = new URLSearchParams();
    const api = new URLSearchParams();
    new FormData(searchForm).forEach((value, name) => {
      value = String(value).trim();
      if (value) page.set(name, value);
    });
    const department = page.get("department");
    page.delete("department");
    if (department) {
      const found = O.findDepartment(department);
      if (!found) { O.fieldError(searchForm, "department_id", S.unknown_department); return null; }
      page.set("department_id", found.id);
    }
    page.forEach((value, name) => api.set(name, value));
    if (page.get("until")) {
      // "to" is inclusive for people; the API's `until` is exclusive.
      const next = new Date(page.get("until") + "T00:00:00Z");
      next.setUTCDate(next.getUTCDate() + 1);
      if (!isNaN(next)) api.set("until", next.toISOString().slice(0, 10));
    }
    return {page, api};
  }

  O.clearOnEdit(searchForm);
  searchForm.addEventListener("submit", (event) => {
    event.preventDefault();
    O.clearErrors(searchForm);
    const query = searchQuery();
    if (!query) return;
    lists.search.query = query.api.toString();
    const page = query.page.toString();
    history.replaceState(null, "", location.pathname + (page ? "?" + page : "") + "#search");
    load(lists.search);
  });
  role(searchForm, "clear").addEventListener("click", () => {
    searchForm.querySelectorAll("input, select").forEach((el) => {
      if (el.type === "checkbox") el.checked = false; else el.value = "";
    });
    O.clearErrors(searchForm);
  });

  // ------------------------------------------------------------------ start
  Object.values(lists).forEach((list) => {
    role(list.section, "more").addEventListener("click", () => load(list, true));
  });
  role(root, "refresh").addEventListener("click", () => {
    Object.values(lists).forEach((list) => { if (list.key !== "search" || list.query) load(list); });
  });
  const wanted = location.hash.slice(1);
  // Only the search's own filters in the address start a search (not ?lang= and the like).
  const filters = new Set(Array.from(searchForm.elements).map((el) => el.name).concat(["department_id"]));
  const hasSearch = Array.from(new URLSearchParams(location.search).keys()).some((k) => filters.has(k));
  select(lists[wanted] ? wanted : hasSearch ? "search" : "triage");
  Object.values(lists).forEach((list) => { if (list.key !== "search") load(list); });
  if (hasSearch) searchForm.requestSubmit();
})();
