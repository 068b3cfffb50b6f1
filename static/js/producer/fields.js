// The screening card's fields: values in and out of the form, what is sent to the server, the
// town / community / category lists, and readable labels of a field's value.
(function () {
  "use strict";

  const P = window.CallinProducer;
  if (!P.root) return;
  const {S, fmt, $$, testId, state} = P;

  const F = P.F = {
    name: testId("card-name"), town_id: testId("card-town"), community_id: testId("card-community"),
    category_id: testId("card-category"), topic: testId("card-topic"), detail: testId("card-detail"),
    urgency: testId("card-urgency"), consent: testId("card-consent"), host_note: testId("card-host-note"),
    airtime_limit_s: testId("card-airtime"),
  };
  const FIELDS = P.FIELDS = Object.keys(F);

  P.valuesOf = function (call) {
    return {
      name: call.name || "", town_id: call.town ? String(call.town.id) : "",
      community_id: call.community ? String(call.community.id) : "",
      category_id: call.category ? String(call.category.id) : "",
      topic: call.topic || "", detail: call.detail || "", urgency: call.urgency || "normal",
      consent: Boolean(call.consent), host_note: call.host_note || "",
      airtime_limit_s: call.airtime_limit_s ? String(call.airtime_limit_s) : "",
    };
  };

  // A card's starting point: the call as the server has it, and its version.
  P.baseOf = (call) => ({version: call.version, values: P.valuesOf(call)});

  P.formValues = function () {
    const values = {};
    FIELDS.forEach((f) => { values[f] = f === "consent" ? F[f].checked : F[f].value; });
    return values;
  };

  P.same = function (a, b) {
    return typeof a === "string" && typeof b === "string" ? a.trim() === b.trim() : a === b;
  };

  P.isDirty = function () {
    if (!state.card) return false;
    const now = P.formValues();
    return FIELDS.some((f) => !P.same(now[f], state.card.base.values[f]));
  };

  P.setField = function (field, value) {
    const el = F[field];
    if (field === "consent") { el.checked = value; return; }
    if (field === "town_id") { el.value = value; fillCommunities(); return; }
    if (field === "airtime_limit_s") ensureAirtimeOption(value);
    if (el.value !== value) el.value = value;
  };

  P.fillForm = function (values) {
    // Town first: it decides which communities can be chosen.
    P.setField("town_id", values.town_id);
    FIELDS.forEach((f) => { if (f !== "town_id") P.setField(f, values[f]); });
  };

  P.payload = function (values) {
    const id = (v) => (v ? Number(v) : null);
    return {
      name: values.name, town_id: id(values.town_id), community_id: id(values.community_id),
      category_id: id(values.category_id), topic: values.topic, detail: values.detail,
      urgency: values.urgency, consent: values.consent, host_note: values.host_note,
      airtime_limit_s: values.airtime_limit_s ? Number(values.airtime_limit_s) : null,
    };
  };

  // ---------------------------------------------------------------- reference lists
  function option(value, label) {
    const el = document.createElement("option");
    el.value = value;
    el.textContent = label;
    return el;
  }

  P.fillReference = function () {
    const town = F.town_id;
    town.replaceChildren(option("", S.choose));
    state.reference.towns.forEach((t) => town.appendChild(option(String(t.id), t.name)));
    const category = F.category_id;
    category.replaceChildren(option("", S.choose));
    state.reference.categories.forEach((top) => {
      const group = document.createElement("optgroup");
      group.label = top.name;
      group.appendChild(option(String(top.id), fmt(S.category_general, {name: top.name})));
      top.children.forEach((child) => group.appendChild(option(String(child.id), child.name)));
      category.appendChild(group);
    });
    fillCommunities();
  };

  // Communities of the chosen town; with no town, all of them grouped by town.
  function fillCommunities() {
    if (!state.reference) return;
    const select = F.community_id;
    const keep = select.value;
    select.replaceChildren(option("", S.choose));
    const townId = F.town_id.value;
    state.reference.towns.forEach((t) => {
      if (townId && String(t.id) !== townId) return;
      const parent = townId ? select : document.createElement("optgroup");
      if (!townId) { parent.label = t.name; select.appendChild(parent); }
      t.communities.forEach((c) => parent.appendChild(option(String(c.id), c.name)));
    });
    select.value = keep;
    if (select.value !== keep) select.value = "";
  }

  function townOfCommunity(communityId) {
    const town = state.reference.towns.find((t) => t.communities.some((c) => String(c.id) === communityId));
    return town ? String(town.id) : "";
  }

  F.town_id.addEventListener("change", fillCommunities);
  F.community_id.addEventListener("change", () => {
    if (!F.town_id.value && F.community_id.value) {
      const keep = F.community_id.value;
      F.town_id.value = townOfCommunity(keep);
      fillCommunities();
      F.community_id.value = keep;
    }
  });

  function ensureAirtimeOption(value) {
    if (value && !$$("option", F.airtime_limit_s).some((o) => o.value === value)) {
      F.airtime_limit_s.appendChild(option(value, P.clock(Number(value))));
    }
  }

  // What a field's value reads as, for showing someone else's version beside the producer's.
  P.labelOf = function (field, values) {
    const v = values[field];
    if (field === "consent") return v ? S.yes : S.no;
    if (field === "urgency") return v === "urgent" ? S.urgent : S.normal;
    if (field === "airtime_limit_s") return v ? P.clock(Number(v)) : S.show_default;
    if (["town_id", "community_id", "category_id"].includes(field)) {
      const opt = $$("option", F[field]).find((o) => o.value === v);
      if (opt) return opt.textContent;
      if (!v) return "—";
      if (field === "community_id" && state.reference) {
        for (const t of state.reference.towns) {
          const c = t.communities.find((x) => String(x.id) === v);
          if (c) return c.name;
        }
      }
      return v;
    }
    return v || "—";
  };
})();
