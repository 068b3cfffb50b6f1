// Similar open cases (duplicates) while a report is typed, and on the office's case page.
//
// Intake forms (office hotline, liaison station form, ...):
//   1. In the template, where the suggestions should appear:
//        {% include "cases/_similar_suggestions.html" %}
//      (a <section data-similar hidden> with its Chinese strings and stylesheet; it shows itself
//      when there is something to suggest). In the scripts block, after api.js and before the
//      form's own script:  <script src="{{ url_for('static', filename='js/similar.js') }}"></script>
//   2. In the form's script:
//        const similar = CallinSimilar.attach({
//          container: document.querySelector("[data-similar]"),
//          phone: form.elements.phone,                    // each: an element, a list of
//          text: [form.elements.title, form.elements.description],  // elements (joined), or a
//          town: form.elements.town_id,                   // function returning the value
//          category: () => form.elements.category_id.value,
//          watch: [form.elements.category_top],          // more inputs whose change re-asks
//          excludeId: null,                               // optional: a case to leave out
//          channel: "hotline",                            // hotline | sms | web (a station
//                                                         //   user's links are always "station")
//          caseUrl: (row) => "/cases/" + row.id,          // optional: number links to the case
//          report: () => ({name: ..., phone: ..., text: ...}),  // what "link" sends
//          onLinked: (row) => { ... },   // or linkedUrl: (row) => "/cases/" + row.id (navigates)
//        });
//        similar.refresh();  // look up now (e.g. after filling the form by script)
//        similar.clear();    // forget the suggestions (e.g. after the form was submitted)
//      Lookups run 400 ms after the last change to a watched input, once there are a few
//      characters of text or a complete-looking phone number. Station users get only their own
//      station's cases plus cases of the same phone (number, state, town, category; no title).
//      `row` passed to onLinked/linkedUrl: {id, number, title, state, state_name, town, category,
//      registered_at, version, lookup_code}; the server refuses with 409 a case that has just
//      been finished, and the message is shown in the suggestion.
//
// Case page (office): {% include "cases/_similar.html" %} renders a box that lists similar open
// cases of the case shown, each with a "merge this case into it" button; it starts by itself.
(function (global) {
  "use strict";
  if (global.CallinSimilar) return;   // the case page partial may load this file a second time

  const DELAY = 400;
  const MIN_TEXT = 4;
  const fmt = (text, values) => String(text).replace(/\{(\w+)\}/g, (m, k) => (k in values ? values[k] : m));
  const strings = (box) => JSON.parse(box.dataset.strings || "{}");
  const role = (scope, name) => scope.querySelector('[data-role="' + name + '"]');

  // The value of an option: an element, a list of elements (their values joined), a function.
  function read(source) {
    if (source == null) return "";
    if (typeof source === "function") return source() == null ? "" : String(source());
    if (Array.isArray(source) || source instanceof NodeList) {
      return Array.from(source).map(read).filter(Boolean).join(" ");
    }
    return String(source.value || "").trim();
  }

  function elements(source) {
    if (source == null || typeof source === "function") return [];
    if (Array.isArray(source) || source instanceof NodeList) return Array.from(source);
    return [source];
  }

  // A number is worth sending once it has as many digits as the shortest local number.
  function phoneReady(phone) {
    const digits = phone.normalize("NFKC").replace(/\D/g, "");
    return digits.length >= 7 && digits.length <= 15;
  }

  const asId = (value) => (/^\d+$/.test(String(value || "").trim()) ? Number(value) : null);

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text != null) node.textContent = text;
    return node;
  }

  const DAY = new Intl.DateTimeFormat("zh-CN", {timeZone: "Asia/Shanghai", year: "numeric",
    month: "2-digit", day: "2-digit"});
  const day = (iso) => (iso ? DAY.format(new Date(iso)).replace(/\//g, "-") : "");

  // One suggestion: number, state, title, where, reasons, and an action button.
  function item(row, S, actionLabel, onAction, caseUrl) {
    const li = el("li", "similar-item");
    li.dataset.caseId = row.id;
    const head = el("div", "similar-head");
    const number = caseUrl && row.title !== null ? el("a", "mono", row.number) : el("span", "mono", row.number);
    if (number.tagName === "A") { number.href = caseUrl(row); number.target = "_blank"; }
    head.append(number, el("span", "badge", row.state_name));
    const byText = (row.reasons || []).some((reason) => reason.code !== "same_phone");
    if (byText && row.score != null) head.append(el("span", "similar-score muted", fmt(S.score, {score: Math.round(row.score * 100)})));
    li.append(head);
    li.append(el("p", "similar-title" + (row.title === null ? " muted" : ""), row.title === null ? S.title_hidden : row.title));
    const where = [row.town, row.category, day(row.registered_at)].filter(Boolean).join(" · ");
    if (where) li.append(el("p", "similar-where muted", where));
    const reasons = el("p", "chips similar-reasons");
    (row.reasons || []).forEach((reason) => {
      reasons.append(el("span", "badge " + (reason.code === "same_phone" ? "warning" : "info"), reason.text));
    });
    li.append(reasons);
    const button = el("button", "small", actionLabel);
    button.type = "button";
    button.dataset.testid = "similar-action";
    const message = el("p", "similar-message", "");
    message.setAttribute("role", "alert");
    button.addEventListener("click", async () => {
      button.disabled = true;
      message.textContent = S.working;
      try {
        if (await onAction(row, message) === false) {   // the person changed their mind
          message.textContent = "";
          button.disabled = false;
        }
      } catch (error) {
        message.textContent = (error && error.message) || S.failed;
        button.disabled = false;
      }
    });
    li.append(button, message);
    return li;
  }

  function render(box, rows, build) {
    const list = role(box, "similar-list");
    list.replaceChildren(...rows.map(build));
    box.hidden = rows.length === 0;
  }

  // ------------------------------------------------------------------ intake forms
  function attach(options) {
    const box = options.container;
    if (!box) return {refresh() {}, clear() {}};
    const S = strings(box);
    let timer = null;
    let run = 0;
    let asked = "";

    function query() {
      const phone = read(options.phone);
      const body = {text: read(options.text), town_id: asId(read(options.town)),
                    category_id: asId(read(options.category))};
      if (phoneReady(phone)) body.phone = phone;
      if (options.excludeId) body.exclude_id = options.excludeId;
      return body;
    }

    async function lookup() {
      const body = query();
      const key = JSON.stringify(body);
      if (key === asked) return;
      asked = key;
      const mine = ++run;
      if (!body.phone && body.text.replace(/\s/g, "").length < MIN_TEXT) { show([]); return; }
      let data;
      try {
        data = await CallinApi.post("/cases/similar", body);
      } catch (error) {
        // a number still being typed is not worth an error: ask again without it
        if (error.status === 400 && error.fields && error.fields.phone && body.phone) {
          delete body.phone;
          try { data = await CallinApi.post("/cases/similar", body); } catch (again) { data = null; }
        }
        if (!data) { if (mine === run) show([]); return; }
      }
      if (mine === run) show(data.cases);
    }

    function show(rows) {
      render(box, rows, (row) => item(row, S, S.link, link, options.caseUrl));
    }

    async function link(row, message) {
      const report = Object.assign({}, options.report ? options.report() : {},
                                   {channel: options.channel || "hotline"});
      const data = await CallinApi.post("/cases/" + row.id + "/link", report);
      message.textContent = fmt(S.linked, {number: data.case.number});
      if (options.onLinked) options.onLinked(data.case);
      else if (options.linkedUrl) global.location.assign(options.linkedUrl(data.case));
    }

    function schedule() {
      clearTimeout(timer);
      timer = setTimeout(lookup, DELAY);
    }

    ["phone", "text", "town", "category", "watch"].forEach((name) => {
      elements(options[name]).forEach((input) => {
        input.addEventListener("input", schedule);
        input.addEventListener("change", schedule);
      });
    });

    return {
      refresh() { clearTimeout(timer); asked = ""; return lookup(); },
      clear() { clearTimeout(timer); run += 1; asked = ""; show([]); },
    };
  }

  // ------------------------------------------------------------------ the office's case page
  async function caseBox(box) {
    const S = strings(box);
    const caseId = box.dataset.similarCase;
    const status = role(box, "similar-status");
    let data;
    try {
      data = await CallinApi.get("/cases/" + caseId + "/similar");
    } catch (error) {
      status.textContent = (error && error.message) || S.failed;
      box.hidden = false;
      return;
    }
    const merge = async (row, message) => {
      if (!global.confirm(fmt(S.confirm_merge, {number: row.number}))) return false;
      await CallinApi.post("/cases/" + caseId + "/merge", {into_id: row.id});
      message.textContent = fmt(S.merged, {number: row.number});
      global.location.reload();
    };
    render(box, data.cases, (row) => item(row, S, S.merge, merge, (r) => "/cases/" + r.id));
    status.textContent = data.cases.length ? "" : S.none;
    box.hidden = false;
  }

  function start() {
    document.querySelectorAll("[data-similar-case]").forEach(caseBox);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();

  global.CallinSimilar = {attach, caseBox};
})(window);
