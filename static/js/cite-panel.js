// Select to cite: the source's text beside an admin change form. The editor selects the
// words that state a fact (mouse, or Shift and the arrow keys in the read-only text), picks
// the fact, and the words are put in that fact's quote with its source chosen. Passages
// already cited are highlighted; with the cursor in one, the status line names its facts.
// The selection's offsets go in hidden fields beside the quote, so a passage the source
// repeats is tied to the occurrence selected; typing over the quote clears them. On a form
// whose record has no saved source yet, picking a source in the form loads its text into
// the panel. The server still checks every quote and offset (events/citing.py).
(function () {
  "use strict";

  const QUOTE_NAME = /(^|-)(qa_quote|quote)$/;

  function ready(callback) {
    if (document.readyState === "loading") {
      document.addEventListener("DOMContentLoaded", callback);
    } else {
      callback();
    }
  }

  // The <select> naming the source of the quote field `field`, in the same row.
  function sourceSelectFor(field) {
    const name = field.name.replace(QUOTE_NAME, "$1source");
    return field.form.querySelector('select[name="' + CSS.escape(name) + '"]');
  }

  // The hidden start and end of the passage cited in the quote field `field`.
  function offsetFields(field) {
    const named = (suffix) =>
      field.form.querySelector('input[name="' + CSS.escape(field.name + suffix) + '"]');
    return [named("_start"), named("_end")];
  }

  function setOffsets(field, start, end) {
    offsetFields(field).forEach(function (input, index) {
      if (input) {
        input.value = index === 0 ? start : end;
      }
    });
  }

  function rowLabel(field) {
    const row = field.closest(".inline-related, tr.form-row");
    if (!row) {
      return "";
    }
    const heading = row.querySelector("h3 .inline_label, td.original p");
    const label = heading ? heading.textContent.trim() : "";
    // A row not saved yet is only “#2”: say whose row it is, from what it names so far.
    if (label && !/^#\d+$/.test(label)) {
      return label;
    }
    const named = Array.from(
      row.querySelectorAll('select[name$="-person"], select[name$="-organization"], input[name$="-title_en"]')
    )
      .map(function (input) {
        if (input.tagName !== "SELECT") {
          return input.value.trim();
        }
        // Not an “Add … as a new person…” choice still in its dialog (quick-add.js).
        const chosen = Array.from(input.selectedOptions).filter((o) => o.value && !o.value.startsWith("new:"));
        return chosen.length ? chosen[0].text.trim() : "";
      })
      .filter((text) => text);
    if (label) {
      const group = field.closest(".inline-group");
      const groupHeading = group && group.querySelector("h2");
      const groupName = groupHeading ? groupHeading.textContent.split(/[:(]/)[0].trim() + " " : "";
      return groupName + label + (named.length ? " — " + named[0] : "");
    }
    const fact = row.querySelector('select[name$="-fact"]');
    if (fact && fact.value) {
      return fact.options[fact.selectedIndex].text;
    }
    const group = field.closest(".inline-group");
    const groupHeading = group && group.querySelector("h2");
    const panel = document.querySelector("[data-cite-panel]");
    return (groupHeading ? groupHeading.textContent.trim() + ": " : "") + panel.dataset.msgNewRow;
  }

  // What the fact of a quote field is, for the editor: “Roles: Adriana Alberti — Chair — …
  // (passage on the questions)”.
  function describe(field) {
    const label = document.querySelector('label[for="' + CSS.escape(field.id) + '"]');
    const own = label ? label.textContent.replace(/:\s*$/, "").trim() : field.name;
    const row = rowLabel(field);
    const fact = field.closest("tr.form-row") && field.closest("tr.form-row").querySelector('select[name$="-fact"]');
    const factName = fact && fact.value ? fact.options[fact.selectedIndex].text + " — " : "";
    return row ? factName + row + " (" + own + ")" : own;
  }

  function quoteFields(form) {
    return Array.from(form.querySelectorAll("textarea, input[type=text]")).filter(
      (field) => QUOTE_NAME.test(field.name) && !field.name.includes("__prefix__")
    );
  }

  function escapeHtml(text) {
    return text.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]);
  }

  ready(function () {
    const panel = document.querySelector("[data-cite-panel]");
    const form = document.querySelector("#content-main form");
    if (!panel || !form) {
      return;
    }
    const texts = () => Array.from(panel.querySelectorAll(".cite-text"));
    const sourceChoice = panel.querySelector("#cite-source");
    const target = panel.querySelector("#cite-target");
    const button = panel.querySelector("#cite-button");
    const status = panel.querySelector("#cite-status");

    // The panel's messages, translated by the template.
    function message(name, values) {
      return panel.dataset[name].replace(/%\((\w+)\)s/g, (_, key) => values[key]);
    }

    function currentText() {
      return texts().find((box) => !box.hidden) || texts()[0];
    }

    // Every quote field that names this source and whose words it holds: [start, end, field].
    function citedRanges(box) {
      const text = box.querySelector("textarea").value;
      const ranges = [];
      quoteFields(form).forEach(function (field) {
        const select = sourceSelectFor(field);
        const quote = field.value.trim();
        if (!quote || !select || select.value !== box.dataset.citeSource) {
          return;
        }
        const [startField, endField] = offsetFields(field);
        let start = startField && startField.value !== "" ? Number(startField.value) : -1;
        let end = endField && endField.value !== "" ? Number(endField.value) : -1;
        if (start < 0 || text.slice(start, end) !== quote) {
          start = text.indexOf(quote);
          end = start + quote.length;
        }
        if (start !== -1) {
          ranges.push([start, end, field]);
        }
      });
      return ranges.sort((a, b) => a[0] - b[0]);
    }

    function highlight(box) {
      const text = box.querySelector("textarea").value;
      const backdrop = box.querySelector(".cite-text__backdrop");
      let html = "";
      let position = 0;
      citedRanges(box).forEach(function ([start, end]) {
        if (start < position) {
          start = position;
        }
        if (end <= start) {
          return;
        }
        html += escapeHtml(text.slice(position, start)) + "<mark>" + escapeHtml(text.slice(start, end)) + "</mark>";
        position = end;
      });
      // A final line break would collapse without a character after it.
      backdrop.innerHTML = html + escapeHtml(text.slice(position)) + "\n";
      backdrop.scrollTop = box.querySelector("textarea").scrollTop;
    }

    function refreshTargets() {
      const chosen = target.value;
      target.replaceChildren();
      quoteFields(form).forEach(function (field) {
        const option = document.createElement("option");
        option.value = field.id;
        option.textContent = (field.value.trim() ? "✓ " : "") + describe(field);
        target.append(option);
      });
      if (chosen && target.querySelector('option[value="' + CSS.escape(chosen) + '"]')) {
        target.value = chosen;
      }
    }

    function chooseSource(select, box) {
      const id = box.dataset.citeSource;
      if (!Array.from(select.options).some((option) => option.value === id)) {
        select.append(new Option(box.dataset.citeTitle, id, false, false));
      }
      select.value = id;
      // The admin's autocomplete box (select2) shows the new choice on jQuery's change event.
      if (window.django && window.django.jQuery) {
        window.django.jQuery(select).trigger("change");
      } else {
        select.dispatchEvent(new Event("change", { bubbles: true }));
      }
    }

    function cite() {
      const box = currentText();
      if (!box) {
        status.textContent = message("msgNoSelection", {});
        return;
      }
      const input = box.querySelector("textarea");
      const selected = input.value.slice(input.selectionStart, input.selectionEnd);
      const words = selected.trim();
      const start = input.selectionStart + (selected.length - selected.trimStart().length);
      const field = document.getElementById(target.value);
      if (!words) {
        status.textContent = message("msgNoSelection", {});
        input.focus();
        return;
      }
      if (!field) {
        status.textContent = message("msgNoTarget", {});
        return;
      }
      field.value = words;
      field.dispatchEvent(new Event("input", { bubbles: true }));
      setOffsets(field, start, start + words.length);
      const select = sourceSelectFor(field);
      if (select) {
        chooseSource(select, box);
      }
      status.textContent = message("msgCited", { fact: describe(field), words: words });
      refreshTargets();
      highlightAll();
    }

    function highlightAll() {
      texts().forEach(highlight);
    }

    // With the cursor in a cited passage, name the facts resting on it.
    function explain(box) {
      const input = box.querySelector("textarea");
      if (input.selectionStart !== input.selectionEnd) {
        return;
      }
      const at = input.selectionStart;
      const facts = citedRanges(box)
        .filter(([start, end]) => start <= at && at < end)
        .map(([, , field]) => describe(field));
      status.textContent = facts.length ? message("msgRests", { facts: facts.join("; ") }) : "";
    }

    function setUp(box) {
      const input = box.querySelector("textarea");
      // Not `readonly`: Chromium then refuses to move a caret or select with the keyboard.
      // The text is kept as the source has it by refusing every edit instead (the box has
      // no name and is outside the form, so it is never submitted either way).
      const original = input.value;
      input.addEventListener("beforeinput", (event) => event.preventDefault());
      input.addEventListener("input", function () {
        input.value = original;
      });
      input.addEventListener("scroll", function () {
        box.querySelector(".cite-text__backdrop").scrollTop = input.scrollTop;
      });
      input.addEventListener("click", () => explain(box));
      input.addEventListener("keyup", () => explain(box));
      highlight(box);
    }

    function showSource(id) {
      texts().forEach((box) => {
        box.hidden = box.dataset.citeSource !== id;
      });
      sourceChoice.value = id;
    }

    // A source picked in the form whose text the panel does not have yet: fetch and add it.
    const loading = new Set();
    function loadSource(id) {
      if (!id || loading.has(id) || texts().some((box) => box.dataset.citeSource === id)) {
        return;
      }
      loading.add(id);
      const url = panel.dataset.sourceTextUrl.replace(/\/0\/text\/$/, "/" + encodeURIComponent(id) + "/text/");
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then((response) => (response.ok ? response.json() : Promise.reject(response.status)))
        .then(function (source) {
          if (!source.text) {
            status.textContent = message("msgNoText", { title: source.title });
            return;
          }
          const box = document.createElement("div");
          box.className = "cite-text";
          box.dataset.citeSource = String(source.id);
          box.dataset.citeTitle = source.title;
          const backdrop = document.createElement("div");
          backdrop.className = "cite-text__backdrop";
          backdrop.setAttribute("aria-hidden", "true");
          const input = document.createElement("textarea");
          input.className = "cite-text__input";
          input.id = "cite-text-" + source.id;
          input.rows = 18;
          input.spellcheck = false;
          input.setAttribute("aria-readonly", "true");
          input.setAttribute("aria-label", message("msgTextLabel", { title: source.title }));
          input.setAttribute("aria-describedby", "cite-panel-help");
          if (source.language) {
            input.lang = source.language;
          }
          input.value = source.text;
          box.append(backdrop, input);
          panel.querySelector("[data-cite-texts]").append(box);
          sourceChoice.append(new Option(source.title, String(source.id)));
          panel.querySelector("[data-cite-source-row]").hidden = sourceChoice.options.length < 2;
          panel.querySelector("[data-cite-empty]").hidden = true;
          setUp(box);
          showSource(String(source.id));
          status.textContent = message("msgLoaded", { title: source.title });
        })
        .catch(function () {
          status.textContent = message("msgLoadFailed", {});
        })
        .finally(() => loading.delete(id));
    }

    function isSourceSelect(element) {
      return element.tagName === "SELECT" && /(^|-)sources?$/.test(element.name);
    }

    function formChanged(event) {
      const element = event.target;
      if (isSourceSelect(element)) {
        Array.from(element.selectedOptions).forEach((option) => loadSource(option.value));
      }
      highlightAll();
    }

    texts().forEach(setUp);
    // A form shown again after an error keeps the sources picked before it was saved.
    Array.from(form.querySelectorAll("select")).filter(isSourceSelect).forEach(function (select) {
      Array.from(select.selectedOptions).forEach((option) => loadSource(option.value));
    });
    sourceChoice.addEventListener("change", () => showSource(sourceChoice.value));
    button.addEventListener("click", cite);
    target.addEventListener("focus", refreshTargets);
    // The admin's autocomplete boxes (select2) announce a choice on jQuery's change event
    // only, which a jQuery handler also receives for native changes.
    if (window.django && window.django.jQuery) {
      window.django.jQuery(form).on("change", formChanged);
    } else {
      form.addEventListener("change", formChanged);
    }
    form.addEventListener("input", function (event) {
      // Typed over by the editor (not by the panel): no longer the selection it was.
      if (event.isTrusted && QUOTE_NAME.test(event.target.name || "")) {
        setOffsets(event.target, "", "");
      }
      highlightAll();
    });
    document.addEventListener("formset:added", refreshTargets);
    document.addEventListener("formset:removed", refreshTargets);
    refreshTargets();
  });
})();
