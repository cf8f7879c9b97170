// Triage panel on the registration form: "采用" puts the suggested category
// into the form's category select. The change event it fires makes htmx
// refresh the panel, so the routing suggestion follows the chosen category.
(function () {
  "use strict";
  if (window.triagePanelReady) return; // the panel may be rendered more than once
  window.triagePanelReady = true;
  document.addEventListener("click", (e) => {
    const button = e.target.closest("[data-triage-apply]");
    if (!button) return;
    const select = document.getElementById("id_category");
    if (!select) return;
    select.value = button.dataset.triageApply;
    select.dispatchEvent(new Event("change", { bubbles: true }));
    select.focus();
  });
})();
