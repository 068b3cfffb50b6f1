// Hotline registration: one keyboard-first form for a phoned-in case. The phone number is looked
// up on blur or Enter (where it is registered, flags, earlier calls and cases beside the form);
// Enter moves to the next field, Ctrl+Enter registers the case; the new case's number and lookup
// code are then shown to read to the caller, with a button to dispatch it at once.
(function () {
  "use strict";

  const root = document.getElementById("hotline");
  if (!root) return;
  const O = window.CallinOffice;
  const {S, REF, fmt, when, role} = O;
  const form = document.getElementById("hotline-form");
  const field = (name) => form.elements[name];
  const lookupBox = root.querySelector(".hl-lookup");
  const result = document.getElementById("hl-result");
  const OPEN = new Set(S.open_states || []);
  let current = null;          // the case registered last
  O.clearOnEdit(form);

  // ------------------------------------------------------------------ dependent lists
  function option(value, label) {
    const el = document.createElement("option");
    el.value = value;
    el.textContent = label;
    return el;
  }

  function fill(select, items, emptyLabel) {
    select.replaceChildren(option("", emptyLabel), ...items.map((item) => option(item.id, item.name)));
    select.disabled = items.length === 0;
  }

  const byId = (items, id) => items.find((item) => String(item.id) === String(id));
  const townChanged = () => fill(field("community_id"),
    (byId(REF.towns, field("town_id").value) || {communities: []}).communities, S.choose);
  const categoryChanged = () => fill(field("category_child"),
    (byId(REF.categories, field("category_top").value) || {children: []}).children, S.general);
  field("town_id").addEventListener("change", townChanged);
  field("category_top").addEventListener("change", categoryChanged);

  // ------------------------------------------------------------------ keyboard
  const fields = () => Array.from(form.querySelectorAll("input, select, textarea"))
    .filter((el) => !el.disabled && el.type !== "hidden");

  form.addEventListener("keydown", (event) => {
    // Enter also confirms a Chinese input method's composition: leave that alone.
    if (event.key !== "Enter" || event.isComposing || event.keyCode === 229) return;
    if (event.ctrlKey || event.metaKey) {
      event.preventDefault();
      form.requestSubmit();
      return;
    }
    const el = event.target;
    if (el.tagName === "TEXTAREA" || el.tagName === "BUTTON") return;
    event.preventDefault();
    if (el.name === "phone") lookup();
    const list = fields();
    const next = list[list.indexOf(el) + 1];
    if (next) next.focus();
  });

  // ------------------------------------------------------------------ caller lookup
  let lookedUp = "";
  let lookupRun = 0;

  async function lookup() {
    const phone = field("phone").value.trim();
    if (phone === lookedUp) return;
    lookedUp = phone;
    const run = ++lookupRun;
    const slot = form.querySelector('[data-error-for="phone"]');
    slot.textContent = "";
    field("phone").removeAttribute("aria-invalid");
    role(lookupBox, "lookup-status").textContent = phone ? S.looking_up : "";
    if (!phone) { showLookup(null); return; }
    try {
      const data = await CallinApi.get("/callers/lookup?phone=" + encodeURIComponent(phone));
      if (run !== lookupRun) return;
      role(lookupBox, "lookup-status").textContent = "";
      showLookup(data);
    } catch (error) {
      if (run !== lookupRun) return;
      showLookup(null);
      role(lookupBox, "lookup-status").textContent = error.message || S.failed;
      if (error.fields && error.fields.phone) O.fieldError(form, "phone", error.fields.phone);
    }
  }
  field("phone").addEventListener("change", lookup);
  field("phone").addEventListener("blur", lookup);

  function cell(row, text, className) {
    const td = document.createElement("td");
    if (text instanceof Node) td.appendChild(text); else td.textContent = text == null ? "" : text;
    if (className) td.className = className;
    row.appendChild(td);
    return td;
  }

  // The name on record fills an empty name field; a name we filled follows the number.
  let autoName = "";
  function fillName(data) {
    const name = field("citizen_name");
    if (name.value.trim() && name.value !== autoName) return;
    autoName = (data && data.caller && data.caller.name) || "";
    name.value = autoName;
  }

  function showLookup(data) {
    fillName(data);
    role(lookupBox, "lookup-empty").hidden = Boolean(data);
    role(lookupBox, "lookup").hidden = !data;
    if (!data) return;
    role(lookupBox, "lookup-phone").textContent = data.phone;
    role(lookupBox, "lookup-geo").textContent = data.geography
      ? fmt(S.registered_in, {place: data.geography}) : S.unknown_place;
    const flag = role(lookupBox, "lookup-flag");
    const flagged = data.caller && data.caller.flag && data.caller.flag !== "none";
    flag.hidden = !flagged;
    if (flagged) {
      flag.className = "flash " + (data.caller.flag === "banned" ? "error" : "warning");
      flag.textContent = fmt(S.flags[data.caller.flag], {reason: data.caller.flag_reason || "—"});
    }
    showCases(data.cases);
    showCalls(data.calls);
  }

  function showCases(cases) {
    const body = role(lookupBox, "cases");
    body.replaceChildren();
    cases.forEach((item) => {
      const row = document.createElement("tr");
      const link = document.createElement("a");
      link.href = root.dataset.caseBase + item.id;
      link.textContent = item.number;
      link.target = "_blank";
      cell(row, link, "mono nowrap");
      cell(row, S.states[item.state] || item.state, OPEN.has(item.state) ? "hl-open" : "muted");
      const title = cell(row, item.title);
      if (item.lead_department) title.append(" · ", item.lead_department.name);
      cell(row, when(item.registered_at).slice(0, 10), "nowrap");
      body.appendChild(row);
    });
    role(lookupBox, "cases-count").textContent = cases.length;
    role(lookupBox, "no-cases").hidden = cases.length > 0;
    const open = cases.filter((item) => OPEN.has(item.state)).length;
    const warning = role(lookupBox, "lookup-duplicates");
    warning.hidden = open === 0;
    warning.textContent = fmt(S.open_cases, {n: open});
  }

  function showCalls(calls) {
    const body = role(lookupBox, "calls");
    body.replaceChildren();
    calls.forEach((call) => {
      const row = document.createElement("tr");
      cell(row, when(call.date).slice(0, 10), "nowrap");
      cell(row, call.show_title);
      cell(row, call.topic || "—");
      cell(row, call.outcome ? S.outcomes[call.outcome] || call.outcome
        : S.call_states[call.state] || call.state);
      body.appendChild(row);
    });
    role(lookupBox, "calls-count").textContent = calls.length;
    role(lookupBox, "no-calls").hidden = calls.length > 0;
  }

  // ------------------------------------------------------------------ similar open cases
  // While the phone, problem, town and category are typed, similar open cases are suggested;
  // linking the report to one adds the caller to that case instead of registering another.
  const similar = CallinSimilar.attach({
    container: root.querySelector("[data-similar]"),
    phone: field("phone"),
    text: [field("title"), field("description")],
    town: field("town_id"),
    category: () => field("category_child").value || field("category_top").value,
    watch: [field("category_top"), field("category_child")],
    channel: "hotline",
    caseUrl: (row) => root.dataset.caseBase + row.id,
    report: () => ({name: field("citizen_name").value.trim(), phone: field("phone").value.trim(),
                    text: [field("title").value.trim(), field("description").value.trim()]
                      .filter(Boolean).join("\n")}),
    onLinked: (row) => {
      showResult(row, true);
      clearForm();
    },
  });

  // ------------------------------------------------------------------ register
  function payload() {
    const id = (name) => Number(field(name).value) || null;
    const text = (name) => field(name).value.trim();
    return {phone: text("phone"), citizen_name: text("citizen_name"), town_id: id("town_id"),
            community_id: id("community_id"), category_id: id("category_child") || id("category_top"),
            nature: field("nature").value, urgency: field("urgency").value, title: text("title"),
            description: text("description")};
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const data = await O.submit(form, () => CallinApi.post("/cases", payload()));
    if (!data) return;   // the problems are shown next to the fields; what was typed stays
    showResult(data.case);
    clearForm();
  });

  function clearForm() {
    form.reset();
    townChanged();
    categoryChanged();
    O.clearErrors(form);
    lookedUp = "";
    lookupRun += 1;
    similar.clear();
    role(lookupBox, "lookup-status").textContent = "";
    showLookup(null);
    field("phone").focus();
  }
  role(form, "clear").addEventListener("click", clearForm);

  // ------------------------------------------------------------------ the result to read out
  function showResult(item, linked) {
    current = item;
    result.hidden = false;
    role(result, "head").textContent = linked ? S.linked_head : S.registered_head;
    role(result, "number").textContent = item.number;
    role(result, "summary").textContent = fmt(S.summary, {title: item.title,
      name: item.citizen_name || "", phone: item.citizen_phone || ""});
    role(result, "open").href = root.dataset.caseBase + item.id;
    role(result, "dispatch-box").replaceChildren();
    role(result, "dispatched").hidden = true;
    // a linked case is already on its way; only a new one is dispatched from here
    role(result, "dispatch-now").hidden = Boolean(linked);
    const code = role(result, "code");
    code.textContent = item.lookup_code || S.code_unavailable;
  }

  role(result, "dispatch-now").addEventListener("click", () => {
    const item = current;
    const box = role(result, "dispatch-box");
    const dispatch = O.dispatchForm(item, (updated, text) => {
      box.replaceChildren();
      role(result, "dispatch-now").hidden = true;
      const done = role(result, "dispatched");
      done.textContent = text;
      done.hidden = false;
      field("phone").focus();
    });
    box.replaceChildren(dispatch);
    dispatch.querySelector('[data-name="lead"]').focus();
  });
})();
