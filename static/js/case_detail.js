// One case's page: the action forms call the JSON API, show the server's answer, and reload the case.
(function () {
  "use strict";
  const S = JSON.parse(document.getElementById("strings").textContent);
  const root = document.getElementById("case");
  if (!root) return;
  const caseId = Number(root.dataset.caseId);
  const FLASH_KEY = "callin.case." + caseId + ".flash";

  // ---- messages that survive the reload after a change ----
  function showFlash() {
    const box = document.getElementById("case-flash");
    let saved = null;
    try { saved = JSON.parse(sessionStorage.getItem(FLASH_KEY) || "null"); } catch (e) { saved = null; }
    sessionStorage.removeItem(FLASH_KEY);
    if (!saved || !box) return;
    box.textContent = saved.text;
    box.className = "flash " + (saved.kind || "success");
    box.hidden = false;
  }

  function reloadWith(text, kind) {
    try { sessionStorage.setItem(FLASH_KEY, JSON.stringify({text, kind})); } catch (e) { /* private mode */ }
    window.location.reload();
  }

  // ---- reading a form into the API's JSON ----
  function value(element) {
    if (element.type === "checkbox") return element.checked;
    if (element.multiple) {
      return Array.from(element.selectedOptions).map((o) => (
        element.dataset.type === "int" ? Number(o.value) : o.value));
    }
    if (element.dataset.type === "int") return element.value === "" ? null : Number(element.value);
    return element.value.trim();
  }

  function readForm(form) {
    const data = {};
    for (const element of form.elements) {
      if (!element.name || element.type === "submit" || element.type === "button") continue;
      if (element.type === "radio") {
        if (element.checked) data[element.name] = element.value;
        else if (!(element.name in data)) data[element.name] = null;
        continue;
      }
      data[element.name] = value(element);
    }
    return data;
  }

  const BODIES = {
    sign: () => ({}),
    dispatch: (d) => ({lead_department_id: d.lead_department_id,
                       co_department_ids: d.co_department_ids || [], version: d.version}),
    "send-back": (d) => ({reason: d.reason}),
    note: (d) => ({text: d.text, public: d.public === true}),
    reply: (d) => ({reply_public: d.reply_public, reply_internal: d.reply_internal,
                    resolved: d.resolved}),
    extension: (d) => ({days: d.days, reason: d.reason}),
    review: (d, submitter) => ({accept: submitter && submitter.value === "true", note: d.note}),
    visit: (d) => {
      const body = {result: d.result, comment: d.comment};
      if (d.result === "reached") {
        Object.assign(body, {resolved: d.resolved, satisfaction: d.satisfaction,
                             department_at_fault: d.department_at_fault === true});
      }
      return body;
    },
    reject: (d) => ({reason: d.reason}),
    decide: (d, submitter) => ({approve: submitter && submitter.value === "true", note: d.note}),
  };

  // ---- showing the server's answer ----
  function clearErrors(form) {
    form.querySelectorAll("[data-error-for]").forEach((el) => { el.hidden = true; el.textContent = ""; });
    form.querySelectorAll("[aria-invalid]").forEach((el) => el.removeAttribute("aria-invalid"));
    const message = form.querySelector(".form-message");
    message.hidden = true;
    message.textContent = "";
  }

  function showError(form, text, fields) {
    const message = form.querySelector(".form-message");
    message.textContent = text;
    message.hidden = false;
    Object.entries(fields || {}).forEach(([name, problem]) => {
      const slot = form.querySelector('[data-error-for="' + name + '"]');
      if (slot) { slot.textContent = problem; slot.hidden = false; }
      form.querySelectorAll('[name="' + name + '"]').forEach((el) => el.setAttribute("aria-invalid", "true"));
    });
    const first = form.querySelector('[aria-invalid="true"]');
    if (first) first.focus();
  }

  function explain(error) {
    if (error instanceof CallinApi.ApiError) {
      if (error.status === 401) return S.login;
      return error.message;
    }
    return S.network;
  }

  function offerReload(form) {
    const message = form.querySelector(".form-message");
    const button = document.createElement("button");
    button.type = "button";
    button.className = "small";
    button.textContent = S.conflict_reload;
    button.addEventListener("click", () => window.location.reload());
    message.append(" ", button);
  }

  async function send(form, body) {
    const buttons = form.querySelectorAll("button");
    buttons.forEach((b) => { b.disabled = true; });
    try {
      await CallinApi.post(form.dataset.url || "/cases/" + caseId + "/" + form.dataset.path, body);
      reloadWith(S.done[form.dataset.action] || S.saved, "success");
    } catch (error) {
      buttons.forEach((b) => { b.disabled = false; });
      if (error instanceof CallinApi.ApiError && error.code === "stale_version") {
        reloadWith(S.stale, "warning");
        return;
      }
      showError(form, explain(error), error.fields);
      if (error instanceof CallinApi.ApiError && error.status === 409) offerReload(form);
    }
  }

  // ---- merge: look the number up first, then confirm ----
  async function lookUp(form) {
    const number = form.elements.number.value.trim();
    const target = form.querySelector(".merge-target");
    target.hidden = true;
    delete form.dataset.intoId;
    if (!number) { showError(form, S.enter_number, {number: S.enter_number}); return; }
    try {
      const found = (await CallinApi.get("/cases?number=" + encodeURIComponent(number))).cases;
      if (!found.length) { showError(form, S.no_such_case, {number: S.no_such_case}); return; }
      if (found[0].id === caseId) { showError(form, S.same_case, {number: S.same_case}); return; }
      const other = found[0];
      form.dataset.intoId = other.id;
      form.querySelector(".merge-preview").textContent = S.merge_into + " " + other.number + " · " +
        other.title + " · " + (S.states[other.state] || other.state);
      target.hidden = false;
    } catch (error) {
      showError(form, explain(error), error.fields);
    }
  }

  function wireMerge(form) {
    form.elements.number.addEventListener("input", () => {
      form.querySelector(".merge-target").hidden = true;
      delete form.dataset.intoId;
    });
    form.querySelector(".merge-confirm").addEventListener("click", () => {
      clearErrors(form);
      if (form.dataset.intoId) send(form, {into_id: Number(form.dataset.intoId)});
    });
  }

  // ---- return visit: the rating only when the citizen was reached ----
  function wireVisit(form) {
    const result = form.elements.result;
    const toggle = () => { form.querySelector(".reached-only").hidden = result.value !== "reached"; };
    result.addEventListener("change", toggle);
    toggle();
  }

  // ---- dispatch: the departments come from the reference list ----
  async function fillDepartments(form) {
    const selects = form.querySelectorAll("select[data-departments]");
    try {
      const departments = (await CallinApi.get("/reference")).departments;
      selects.forEach((select) => {
        const current = (select.dataset.current || "").split(",").filter(Boolean);
        departments.forEach((d) => {
          const option = new Option(d.name, d.id);
          option.selected = current.includes(String(d.id));
          select.add(option);
        });
      });
    } catch (error) {
      showError(form, S.departments_failed, {});
    }
  }

  document.querySelectorAll("form[data-action]").forEach((form) => {
    const action = form.dataset.action;
    if (action === "merge") wireMerge(form);
    if (action === "visit") wireVisit(form);
    if (action === "dispatch") fillDepartments(form);
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      clearErrors(form);
      if (action === "merge") { lookUp(form); return; }
      send(form, BODIES[action](readForm(form), event.submitter));
    });
  });

  // ---- reveal the citizen (logged on the server) ----
  const reveal = document.getElementById("reveal");
  if (reveal) {
    reveal.addEventListener("click", async () => {
      const hint = document.getElementById("reveal-hint");
      reveal.disabled = true;
      try {
        const citizen = await CallinApi.post("/cases/" + caseId + "/reveal");
        document.getElementById("citizen-name").textContent = citizen.citizen_name || "—";
        const phone = document.getElementById("citizen-phone");
        if (phone) phone.textContent = citizen.citizen_phone || "—";
        hint.textContent = S.revealed;
        hint.classList.add("revealed");
        reveal.hidden = true;
      } catch (error) {
        reveal.disabled = false;
        hint.textContent = explain(error);
        hint.classList.add("field-error");
      }
    });
  }

  showFlash();
})();
