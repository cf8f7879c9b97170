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

  document.addEventListener("DOMContentLoaded", () => {
    document.querySelectorAll(".region-picker").forEach(initRegionPicker);
    initPetitionerForms();
  });
})();
