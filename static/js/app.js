// Small, dependency-free behaviours for staff pages. htmx does the requests.
(function () {
  "use strict";

  // Region picker: four cascading selects; the hidden input holds the deepest choice.
  function initRegionPicker(picker) {
    const form = picker.closest("form");
    const hidden = form.querySelector("input[name=issue_region]");
    const url = picker.dataset.childrenUrl;
    const selects = Array.from(picker.querySelectorAll("select.region-level"));

    async function load(levelIndex, parent, selected) {
      const sel = selects[levelIndex];
      if (!sel) return;
      const resp = await fetch(url + "?parent=" + encodeURIComponent(parent || ""));
      sel.innerHTML = await resp.text();
      sel.disabled = sel.options.length <= 1;
      if (selected) sel.value = selected;
    }
    function clearFrom(i) {
      for (let j = i; j < selects.length; j++) { selects[j].innerHTML = '<option value="">请选择</option>'; selects[j].disabled = true; }
    }
    function sync() {
      let value = "";
      selects.forEach((s) => { if (s.value) value = s.value; });
      hidden.value = value;
    }
    selects.forEach((sel, i) => {
      sel.addEventListener("change", async () => {
        clearFrom(i + 1);
        if (sel.value) await load(i + 1, sel.value);
        sync();
      });
    });
    // Pre-select the chain of the initial code: 320213021 -> 32, 3202, 320213, 320213021.
    (async () => {
      const code = picker.dataset.initial || "";
      const chain = [2, 4, 6, 9].filter((n) => code.length >= n).map((n) => code.slice(0, n));
      await load(0, "", chain[0]);
      for (let i = 1; i < selects.length; i++) {
        if (chain[i - 1]) await load(i, chain[i - 1], chain[i]); else clearFrom(i);
      }
      sync();
    })();
  }

  function initPetitionerForms() {
    const add = document.getElementById("add-petitioner");
    if (!add) return;
    const total = document.getElementById("id_p-TOTAL_FORMS");
    const tpl = document.getElementById("petitioner-template");
    const box = document.getElementById("petitioner-forms");
    add.addEventListener("click", () => {
      const n = parseInt(total.value, 10);
      const html = tpl.innerHTML.replace(/__prefix__/g, String(n));
      box.insertAdjacentHTML("beforeend", html);
      total.value = String(n + 1);
      if (window.htmx) window.htmx.process(box.lastElementChild);
    });
  }

  // Earlier cases of the petitioner (htmx panel): its radios set the hidden
  // `repeat_of`. Every lookup re-renders the panel with "不并入" ticked — including
  // the lookup fired when the ID field loses focus because the registrar clicks a
  // case — so after each swap the radios are set back from the hidden field, and a
  // case no longer offered is dropped: what is ticked is what gets submitted.
  function syncRepeatChoice() {
    const hidden = document.getElementById("id_repeat_of");
    const panel = document.getElementById("earlier-cases");
    if (!hidden || !panel) return;
    const chosen = Array.from(panel.querySelectorAll("input[name=repeat_choice]"))
      .find((r) => r.value && r.value === hidden.value);
    if (chosen) chosen.checked = true; else hidden.value = "";
  }

  function initRepeatChoice() {
    const hidden = document.getElementById("id_repeat_of");
    if (!hidden) return;
    document.addEventListener("htmx:afterSettle", (e) => {
      if (e.detail && e.detail.target && e.detail.target.id === "earlier-cases") syncRepeatChoice();
    });
    if (!hidden.value) return;
    // The form came back with errors while a repeat was chosen: show the panel again.
    const filled = Array.from(document.querySelectorAll("#petitioner-forms input[hx-get]")).find((i) => i.value.trim());
    if (filled && window.htmx) window.htmx.trigger(filled, "change"); else hidden.value = "";
  }

  document.addEventListener("DOMContentLoaded", () => {
    document.querySelectorAll(".region-picker").forEach(initRegionPicker);
    initPetitionerForms();
    initRepeatChoice();
  });
})();
