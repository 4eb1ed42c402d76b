// Names for Select2's autocomplete widgets (Django's autocomplete_fields), which
// Select2 leaves without one when nothing is chosen (WCAG 4.1.2): the combobox is
// named by the field's label and the choice shown in it, and the span that shows
// the choice is no longer an unnamed text box of its own.
"use strict";
(function () {
  function labelFor(select) {
    const label = select.id && document.querySelector('label[for="' + select.id + '"]');
    if (!label) {
      return null;
    }
    if (!label.id) {
      label.id = select.id + "-label";
    }
    return label;
  }

  function name(root) {
    root.querySelectorAll("select.admin-autocomplete").forEach(function (select) {
      const container = select.nextElementSibling;
      const combobox = container && container.querySelector('.select2-selection[role="combobox"]');
      const label = labelFor(select);
      if (!combobox || !label) {
        return;
      }
      const rendered = combobox.querySelector(".select2-selection__rendered");
      if (rendered && rendered.getAttribute("role") === "textbox") {
        rendered.removeAttribute("role");
        rendered.removeAttribute("aria-readonly");
      }
      const names = rendered && rendered.id ? label.id + " " + rendered.id : label.id;
      if (combobox.getAttribute("aria-labelledby") !== names) {
        combobox.setAttribute("aria-labelledby", names);
      }
    });
  }

  function start() {
    name(document);
    // Select2 builds its widgets after the page loads, and again for each inline row added.
    new MutationObserver(function () {
      name(document);
    }).observe(document.body, { childList: true, subtree: true });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
