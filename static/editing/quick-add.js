// Adding a person or an organization from the autocomplete box that needs it, without
// leaving the form (people/editing/quick_add.py). A box with data-quick-add-url offers
// “Add … as a new person…” after the records found (never before them, so Enter still takes
// the best match); choosing it opens a dialog with the record's few fields, which the admin's
// own form for the model checks and saves; the new record is then chosen in the box. Escape
// or Cancel leaves the box as it was.
//
// Loaded after Django's admin/js/autocomplete.js and before the page is ready, it takes
// over the admin's select2 set-up so that every box, those of rows added later included, is
// made the same way: Django's options, plus the new-record choice where the box has one,
// and the dropdown kept inside a dialog (a modal dialog leaves the rest of the page inert).
(function () {
  "use strict";

  const $ = window.django && window.django.jQuery;
  if (!$ || !$.fn.select2) {
    return;
  }
  const NEW = "new:";

  function setUp(element) {
    const options = {
      ajax: {
        data: (params) => ({
          term: params.term,
          page: params.page,
          app_label: element.dataset.appLabel,
          model_name: element.dataset.modelName,
          field_name: element.dataset.fieldName,
        }),
      },
    };
    const dialog = element.closest("dialog");
    if (dialog) {
      options.dropdownParent = $(dialog);
    }
    if (element.dataset.quickAddUrl) {
      // select2 adds a tag to the <select> as an option: an empty single select would take
      // its first option as chosen, and “Add …” could then not be chosen.
      if (!element.multiple && element.options.length === 0) {
        element.append(new Option("", "", true, true));
      }
      options.tags = true;
      options.createTag = function (params) {
        const term = (params.term || "").trim();
        if (!term) {
          return null;
        }
        const text = element.dataset.quickAddLabel.replace("%(term)s", term);
        return { id: NEW + term, text: text, term: term, newTag: true };
      };
      options.insertTag = (data, tag) => data.push(tag);
      $(element).on("select2:select", function (event) {
        if (event.params.data.newTag) {
          openDialog(element, event.params.data.term);
        }
      });
    }
    $(element).select2(options);
    nameBox(element);
  }

  // The box's combobox is named by the field's label as well as by what it holds: select2
  // names it by the choice alone, which is nothing while the box is empty.
  function nameBox(element) {
    const label = element.id && document.querySelector('label[for="' + CSS.escape(element.id) + '"]');
    const container = element.nextElementSibling;
    if (!label || !container) {
      return;
    }
    label.id = label.id || element.id + "-label";
    container.querySelectorAll('[role="combobox"], [role="textbox"], .select2-search__field').forEach(function (box) {
      const own = (box.getAttribute("aria-labelledby") || "").replace(label.id, "").trim();
      box.setAttribute("aria-labelledby", (label.id + " " + own).trim());
    });
  }

  $.fn.djangoAdminSelect2 = function () {
    this.each((index, element) => setUp(element));
    return this;
  };

  function focusBox(select) {
    const box = select.nextElementSibling;
    const target = box && box.querySelector(".select2-search__field, .select2-selection");
    if (target) {
      target.focus();
    }
  }

  // Take the unfinished “new:” choice out of the box.
  function dropNew(select) {
    Array.from(select.options)
      .filter((option) => option.value.startsWith(NEW))
      .forEach((option) => option.remove());
    $(select).trigger("change");
  }

  function choose(select, id, text) {
    Array.from(select.options)
      .filter((option) => option.value.startsWith(NEW) || option.value === id)
      .forEach((option) => option.remove());
    select.append(new Option(text, id, true, true));
    $(select).trigger("change");
  }

  function csrfToken() {
    const input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  // One dialog per record being added; a dialog may open another (an organization's parent
  // that is not recorded either), stacked above it.
  function openDialog(select, term) {
    const dialog = document.createElement("dialog");
    dialog.className = "quick-add";
    dialog.setAttribute("aria-labelledby", "quick-add-title-" + select.id);
    document.body.append(dialog);
    let done = false;

    function finish(added) {
      if (done) {
        return;
      }
      done = true;
      if (!added) {
        dropNew(select);
      }
      if (dialog.open) {
        dialog.close();
      }
      dialog.remove();
      focusBox(select);
    }

    function show(html) {
      dialog.innerHTML = html;
      const title = dialog.querySelector(".quick-add__title");
      title.id = "quick-add-title-" + select.id;
      $(dialog).find(".admin-autocomplete").djangoAdminSelect2();
      const form = dialog.querySelector("form");
      form.addEventListener("submit", function (event) {
        event.preventDefault();
        send(form);
      });
      dialog.querySelector("[data-quick-add-cancel]").addEventListener("click", () => finish(false));
      if (!dialog.open) {
        dialog.showModal();
      }
      const first = dialog.querySelector(
        ".errors input, .errors select, input:not([type=hidden]), select"
      );
      if (first) {
        first.focus();
      }
    }

    function send(form) {
      fetch(select.dataset.quickAddUrl, {
        method: "POST",
        body: new FormData(form),
        credentials: "same-origin",
        headers: { "X-CSRFToken": csrfToken(), Accept: "application/json" },
      })
        .then((response) => response.json().then((data) => [response.status, data]))
        .then(function ([status, data]) {
          if (status === 201) {
            choose(select, data.id, data.text);
            finish(true);
          } else if (data.form) {
            show(data.form);
          }
        });
    }

    // Escape: the browser closes the dialog; the box goes back to what it held.
    dialog.addEventListener("cancel", () => finish(false));
    const level = document.querySelectorAll("dialog.quick-add").length;
    const prefix = "quick" + (level > 1 ? level : "");
    const url =
      select.dataset.quickAddUrl + "?term=" + encodeURIComponent(term) + "&prefix=" + prefix;
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then((response) => response.json())
      .then((data) => show(data.form))
      .catch(() => finish(false));
  }
})();
