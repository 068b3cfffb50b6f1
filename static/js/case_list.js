// A filtered case list over GET /api/v1/cases with keyset paging ("More"): the department
// portal and the liaison station page each give it their own rows and filters.
window.CallinCaseList = (function () {
  "use strict";

  // Times in Asia/Shanghai, like the server renders them.
  const timeParts = new Intl.DateTimeFormat("zh-CN", {
    timeZone: "Asia/Shanghai", year: "numeric", month: "2-digit", day: "2-digit",
    hour: "2-digit", minute: "2-digit", hourCycle: "h23"});

  function localTime(iso) {
    if (!iso) return "";
    const p = {};
    timeParts.formatToParts(new Date(iso)).forEach((part) => { p[part.type] = part.value; });
    return p.year + "-" + p.month + "-" + p.day + " " + p.hour + ":" + p.minute;
  }

  // options: root (carries data-next-cursor), form (the filters), rows (tbody), more (link),
  // empty and errorBox (elements), strings ({login, network}), rowHtml(row), params() (the
  // filters as URLSearchParams), onFirstPage(query) (optional).
  function attach(o) {
    let nextCursor = o.root.dataset.nextCursor || null;
    let loading = 0;      // the number of the latest list request; older answers are dropped
    let pagedOn = false;  // whether "More" has added pages below the first

    function clearErrors() {
      o.form.querySelectorAll("[data-error-for]").forEach((el) => { el.hidden = true; el.textContent = ""; });
      o.form.querySelectorAll("[aria-invalid]").forEach((el) => el.removeAttribute("aria-invalid"));
      o.errorBox.hidden = true;
    }

    function showError(error) {
      o.errorBox.textContent = error instanceof CallinApi.ApiError
        ? (error.status === 401 ? o.strings.login : error.message) : o.strings.network;
      o.errorBox.hidden = false;
      Object.entries((error && error.fields) || {}).forEach(([name, problem]) => {
        const slot = o.form.querySelector('[data-error-for="' + name + '"]');
        if (slot) { slot.textContent = problem; slot.hidden = false; }
        if (o.form.elements[name]) o.form.elements[name].setAttribute("aria-invalid", "true");
      });
    }

    function setMore(cursor, query) {
      nextCursor = cursor;
      o.more.hidden = !cursor;
      if (cursor) {
        const next = new URLSearchParams(query);
        next.set("cursor", cursor);
        o.more.href = "?" + next.toString();
      }
    }

    // Load the first page (replace) or the next one (append) of the current filters.
    async function load(append) {
      const query = o.params();
      const request = ++loading;
      const api = new URLSearchParams(query);
      if (append && nextCursor) api.set("cursor", nextCursor);
      clearErrors();
      o.more.setAttribute("aria-busy", "true");
      try {
        const page = await CallinApi.get("/cases?" + api.toString());
        if (request !== loading) return;
        const html = page.cases.map(o.rowHtml).join("");
        if (append) o.rows.insertAdjacentHTML("beforeend", html);
        else o.rows.innerHTML = html;
        pagedOn = append;
        o.empty.hidden = o.rows.children.length > 0;
        setMore(page.next_cursor, query);
        if (!append) {
          history.replaceState(null, "", window.location.pathname + (query.toString() ? "?" + query : ""));
          if (o.onFirstPage) o.onFirstPage(query);
        }
      } catch (error) {
        if (request === loading) showError(error);
      } finally {
        o.more.removeAttribute("aria-busy");
      }
    }

    // After "More", news must not throw away the pages already read: the first page is fetched
    // again, rows already shown are updated in place and new ones go on top.
    async function refreshInPlace() {
      const request = ++loading;
      try {
        const page = await CallinApi.get("/cases?" + o.params().toString());
        if (request !== loading) return;
        const shown = new Map(Array.from(o.rows.children, (tr) => [tr.dataset.caseId, tr]));
        const added = [];
        page.cases.forEach((row) => {
          const old = shown.get(String(row.id));
          if (old) old.outerHTML = o.rowHtml(row);
          else added.push(o.rowHtml(row));
        });
        o.rows.insertAdjacentHTML("afterbegin", added.join(""));
        o.empty.hidden = o.rows.children.length > 0;
      } catch (error) {
        if (request === loading) showError(error);
      }
    }

    o.form.addEventListener("submit", (event) => { event.preventDefault(); load(false); });
    o.more.addEventListener("click", (event) => { event.preventDefault(); load(true); });
    return {load: load, refresh: () => (pagedOn ? refreshInPlace() : load(false))};
  }

  return {attach: attach, localTime: localTime};
})();
