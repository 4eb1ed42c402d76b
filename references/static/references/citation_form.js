// The citation form shows the parts of the chosen kind only.
//
// Progressive enhancement: without this script every part shows. Which parts belong to
// each kind comes from the server (Citation.FIELDS_BY_KIND, in the kind menu's
// data-kind-fields attribute), the same list the house style follows. A part of another
// kind that holds a value stays in view, so nothing typed is ever out of sight; the form
// tells the writer to clear it or choose its kind.
"use strict";

(function () {
  function setUp() {
    const kind = document.querySelector("#citation_form select[data-kind-fields]");
    if (!kind) {
      return;
    }
    const fieldsByKind = JSON.parse(kind.dataset.kindFields);
    const allParts = new Set(Object.values(fieldsByKind).flat());

    function rowOf(name) {
      return document.querySelector("#citation_form .form-row.field-" + name);
    }

    function hasValue(row) {
      return Array.from(row.querySelectorAll("input, textarea, select")).some(function (input) {
        if (input.type === "checkbox") {
          return input.checked;
        }
        return input.type !== "hidden" && input.value.trim() !== "";
      });
    }

    function show() {
      const own = new Set(fieldsByKind[kind.value] || allParts);
      allParts.forEach(function (name) {
        const row = rowOf(name);
        if (row) {
          row.hidden = !own.has(name) && !hasValue(row);
        }
      });
      // A fieldset with no part left in view goes too.
      document.querySelectorAll("#citation_form fieldset").forEach(function (fieldset) {
        const rows = Array.from(fieldset.querySelectorAll(".form-row"));
        const parts = rows.filter(function (row) {
          return Array.from(row.classList).some(function (name) {
            return name.startsWith("field-") && allParts.has(name.slice(6));
          });
        });
        if (parts.length === rows.length && rows.length) {
          fieldset.hidden = parts.every(function (row) {
            return row.hidden;
          });
        }
      });
    }

    kind.addEventListener("change", show);
    show();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUp);
  } else {
    setUp();
  }
})();
