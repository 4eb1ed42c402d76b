"use strict";
// "Move up" / "Move down" buttons for the ordered inlines, so a row can be moved
// without dragging (WCAG 2.2, 2.5.7). They renumber the rows' hidden positions as
// django-admin-sortable2's drag does: 1, 2, 3… in the order shown. Where a row names
// its group (an element with data-order-group), it moves among its group's rows.
(function () {
  const ROWS = "tr.has_original, .inline-related.has_original";

  function rowsOf(fieldset) {
    return Array.from(fieldset.querySelectorAll(ROWS));
  }

  function groupOf(row) {
    const field = row.querySelector("[data-order-group]");
    return field ? field.value : "";
  }

  function groupLabel(row) {
    const field = row.querySelector("[data-order-group]");
    if (!field || field.selectedIndex < 0) return "";
    return field.options[field.selectedIndex].text;
  }

  function nameOf(row) {
    const label = row.querySelector("td.original p, h3 .inline_label");
    return label ? label.textContent.trim() : "";
  }

  function neighbour(fieldset, row, step) {
    const rows = rowsOf(fieldset);
    for (let index = rows.indexOf(row) + step; index >= 0 && index < rows.length; index += step) {
      if (groupOf(rows[index]) === groupOf(row)) return rows[index];
    }
    return null;
  }

  function refresh(fieldset) {
    rowsOf(fieldset).forEach((row) => {
      const up = row.querySelector(".reorder-up");
      const down = row.querySelector(".reorder-down");
      if (up) up.disabled = !neighbour(fieldset, row, -1);
      if (down) down.disabled = !neighbour(fieldset, row, 1);
    });
  }

  function renumber(fieldset) {
    rowsOf(fieldset).forEach((row, index) => {
      const position = row.querySelector("input._reorder_");
      if (position) position.value = String(index + 1);
    });
  }

  function announce(fieldset, row) {
    const group = groupOf(row);
    const peers = rowsOf(fieldset).filter((other) => groupOf(other) === group);
    const where = groupLabel(row) ? ` in ${groupLabel(row)}` : "";
    const status = fieldset.querySelector(".reorder-status");
    status.textContent = `“${nameOf(row)}” moved to ${peers.indexOf(row) + 1} of ${peers.length}${where}. Save to keep the new order.`;
  }

  function move(fieldset, row, step, button) {
    const other = neighbour(fieldset, row, step);
    if (!other) return;
    if (step < 0) other.before(row);
    else other.after(row);
    renumber(fieldset);
    refresh(fieldset);
    announce(fieldset, row);
    // Keep the keyboard where it was; at the end of the list, on the other button.
    const target = button.disabled ? row.querySelector(step < 0 ? ".reorder-down" : ".reorder-up") : button;
    if (target && !target.disabled) target.focus();
  }

  function button(text, name, className) {
    const element = document.createElement("button");
    element.type = "button";
    element.className = className;
    element.append(text);
    const hidden = document.createElement("span");
    hidden.className = "reorder-name";
    hidden.textContent = name ? `: ${name}` : "";
    element.append(hidden);
    return element;
  }

  function addButtons(fieldset, row) {
    if (row.querySelector(".reorder-buttons")) return;
    const name = nameOf(row);
    const buttons = document.createElement("span");
    buttons.className = "reorder-buttons";
    const up = button("Move up", name, "reorder-up");
    const down = button("Move down", name, "reorder-down");
    up.addEventListener("click", () => move(fieldset, row, -1, up));
    down.addEventListener("click", () => move(fieldset, row, 1, down));
    buttons.append(up, " ", down);
    const cell = row.querySelector("td.original");
    if (cell) cell.append(buttons);
    else row.querySelector("h3").after(buttons);
  }

  function setUp(fieldset) {
    const status = document.createElement("p");
    status.className = "reorder-status";
    status.setAttribute("role", "status");
    fieldset.append(status);
    rowsOf(fieldset).forEach((row) => addButtons(fieldset, row));
    fieldset.addEventListener("change", (event) => {
      if (event.target.matches("[data-order-group]")) refresh(fieldset);
    });
    // A drag (sortable2) reorders the rows: the buttons follow what is shown.
    new MutationObserver(() => refresh(fieldset)).observe(fieldset, { childList: true, subtree: true });
    refresh(fieldset);
  }

  document.addEventListener("DOMContentLoaded", () => {
    document.querySelectorAll("fieldset.sortable").forEach(setUp);
  });
})();
