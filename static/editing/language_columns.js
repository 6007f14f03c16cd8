"use strict";
// A language column the record does not use takes no room: an empty non-default input is
// folded behind a button that opens it (people/editing/languages.py). Without this script
// both columns show side by side.
(function () {
  function fold(box) {
    const input = box.querySelector("[lang]");
    if (!input || input.classList.contains("mt-default") || input.value.trim() !== "") {
      return;
    }
    if (box.querySelector(".errorlist")) {
      return;
    }
    // The column is the field's box with its help text, one child of the row.
    const column = box.parentElement;
    const label = box.querySelector("label");
    const button = document.createElement("button");
    button.type = "button";
    button.className = "button language-add";
    button.textContent = "+ " + (label ? label.textContent.replace(/:\s*$/, "") : input.lang);
    column.classList.add("language-unused");
    column.parentNode.insertBefore(button, column.nextSibling);
    button.addEventListener("click", function () {
      column.classList.remove("language-unused");
      button.remove();
      input.focus();
    });
  }
  function foldAll(root) {
    // Not the formset's template row: its copies would carry a button with no handler.
    root.querySelectorAll(".form-multiline > div > .fieldBox").forEach(function (box) {
      if (!box.closest(".empty-form")) {
        fold(box);
      }
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    foldAll(document);
  });
  document.addEventListener("formset:added", function (event) {
    foldAll(event.target);
  });
})();
