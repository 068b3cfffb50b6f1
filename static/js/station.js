// The liaison station's page: its case list (filters and keyset paging over GET /api/v1/cases)
// and the filing form's community choices, limited to the chosen town.
(function () {
  "use strict";
  const S = JSON.parse(document.getElementById("strings").textContent);
  const esc = CallinLive.escapeHtml;
  const $ = (id) => document.getElementById(id);

  // ---- the filing form: only the chosen town's communities are offered ----
  const fileForm = $("file-form");
  if (fileForm) {
    const town = fileForm.elements.town_id;
    const community = fileForm.elements.community_id;
    const limitCommunities = () => {
      community.querySelectorAll("optgroup").forEach((group) => {
        const other = town.value !== "" && group.dataset.town !== town.value;
        group.hidden = other;
        group.disabled = other;
      });
      const chosen = community.selectedOptions[0];
      if (chosen && chosen.parentElement.disabled) community.value = "";
    };
    town.addEventListener("change", limitCommunities);
    community.addEventListener("change", () => {
      // choosing a community first sets its town
      const group = community.selectedOptions[0] && community.selectedOptions[0].parentElement;
      if (group && group.dataset.town && town.value !== group.dataset.town) {
        town.value = group.dataset.town;
        limitCommunities();
      }
    });
    limitCommunities();
    attachSimilar(fileForm);
  }

  // ---- similar open cases: link the resident's report to one instead of filing it again ----
  function attachSimilar(form) {
    const box = document.querySelector("[data-similar]");
    if (!box || !window.CallinSimilar) return;
    const notice = $("linked-notice");
    const similar = CallinSimilar.attach({
      container: box,
      phone: form.elements.phone,
      text: form.elements.problem,
      town: form.elements.town_id,
      category: form.elements.category_id,
      channel: "station",
      report: () => ({name: form.elements.citizen_name.value.trim(),
                      phone: form.elements.phone.value.trim(),
                      text: form.elements.problem.value.trim()}),
      onLinked: (row) => {
        notice.textContent = S.linked_notice.replace("{number}", row.number)
          .replace("{code}", row.lookup_code || "");
        notice.hidden = false;
        ["citizen_name", "phone", "problem"].forEach((name) => { form.elements[name].value = ""; });
        similar.clear();
        notice.scrollIntoView({block: "nearest"});
      },
    });
  }

  // ---- the station's cases ----
  const root = $("portal");
  if (!root) return;
  const form = $("filters");
  const rows = $("case-rows");
  const more = $("more");

  function rowHtml(row) {
    const link = "/cases/" + encodeURIComponent(row.id);
    return '<tr data-case-id="' + esc(row.id) + '"' + (row.overdue ? ' class="is-overdue"' : "") + ">" +
      '<td class="nowrap"><a class="mono" href="' + link + '">' + esc(row.number) + "</a></td>" +
      '<td class="case-title-cell"><a href="' + link + '">' + esc(row.title) + "</a>" +
      '<div class="sub">' + esc(S.natures[row.nature] || row.nature) +
      (row.category ? " · " + esc(row.category) : "") + "</div></td>" +
      '<td><span class="badge case-state state-' + esc(row.state) + '">' +
      esc(S.states[row.state] || row.state) + "</span></td>" +
      '<td class="nowrap">' + esc(row.citizen_name || "—") +
      '<div class="sub mono">' + esc(row.citizen_phone || "") + "</div></td>" +
      "<td>" + esc(row.town || "—") + "</td>" +
      "<td>" + esc(row.lead_department ? row.lead_department.name : "—") + "</td>" +
      '<td class="nowrap">' + esc(CallinCaseList.localTime(row.registered_at)) + "</td></tr>";
  }

  function params() {
    const query = new URLSearchParams();
    ["state", "number", "text"].forEach((name) => {
      const value = form.elements[name].value.trim();
      if (value) query.set(name, value);
    });
    return query;
  }

  const list = CallinCaseList.attach({
    root: root, form: form, rows: rows, more: more, empty: $("empty"), errorBox: $("list-error"),
    strings: S, rowHtml: rowHtml, params: params});
  const load = list.load;

  form.elements.state.addEventListener("change", () => load(false));
  $("clear-filters").addEventListener("click", (event) => {
    event.preventDefault();
    form.elements.state.value = "";
    form.elements.number.value = "";
    form.elements.text.value = "";
    load(false);
  });
})();
