// The import pages: a drop zone for the export file, and a progress bar that follows
// the background job. Both are extras: the form posts and the page refreshes itself
// without them.
(function () {
  "use strict";

  function megabytes(bytes) {
    return Math.round(bytes / (1024 * 1024)) + " MB";
  }

  function showFileError(form, message) {
    var input = form.querySelector("input[type=file]");
    var box = input.closest(".field");
    var list = box.querySelector(".field-errors");
    if (!list) {
      list = document.createElement("ul");
      list.className = "field-errors";
      list.id = input.id + "-error";
      box.appendChild(list);
    }
    list.textContent = "";
    if (message) {
      var item = document.createElement("li");
      item.textContent = message;
      list.appendChild(item);
      box.classList.add("field-invalid");
      input.setAttribute("aria-invalid", "true");
    } else {
      box.classList.remove("field-invalid");
      input.removeAttribute("aria-invalid");
    }
  }

  function tooLarge(form, file) {
    var limit = Number(form.dataset.maxBytes);
    if (limit && file.size > limit) {
      showFileError(form, file.name + " is " + megabytes(file.size) + ": imports take files up to " + megabytes(limit) + ".");
      return true;
    }
    showFileError(form, "");
    return false;
  }

  function wireDropZone(form) {
    var input = form.querySelector("input[type=file]");
    ["dragenter", "dragover"].forEach(function (name) {
      form.addEventListener(name, function (event) {
        event.preventDefault();
        form.classList.add("drop-active");
      });
    });
    ["dragleave", "drop"].forEach(function (name) {
      form.addEventListener(name, function () {
        form.classList.remove("drop-active");
      });
    });
    form.addEventListener("drop", function (event) {
      event.preventDefault();
      var files = event.dataTransfer && event.dataTransfer.files;
      if (!files || !files.length) return;
      input.files = files;
      if (!tooLarge(form, files[0])) form.requestSubmit();
    });
    input.addEventListener("change", function () {
      if (input.files.length) tooLarge(form, input.files[0]);
    });
    form.addEventListener("submit", function (event) {
      if (input.files.length && tooLarge(form, input.files[0])) event.preventDefault();
    });
  }

  function followJob(panel) {
    var url = panel.dataset.progressUrl;
    var text = panel.querySelector("[data-progress-text]");
    var bar = panel.querySelector("[data-progress-bar]");
    if (!url || !text) return;
    function tick() {
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) {
          if (!response.ok) throw new Error(String(response.status));
          return response.json();
        })
        .then(function (progress) {
          if (!progress.active) {
            window.location.reload();
            return;
          }
          if (progress.phase === "preview") {
            text.textContent = "Reading the file: " + progress.done + " rows so far…";
          } else {
            text.textContent = "Imported " + progress.done + (progress.total ? " of " + progress.total : "") + " rows" +
              (progress.rows_per_second ? " · " + progress.rows_per_second + " rows a second" : "");
          }
          if (bar && progress.total) {
            bar.max = progress.total;
            bar.value = progress.done;
          }
          window.setTimeout(tick, 1000);
        })
        .catch(function () {
          window.setTimeout(tick, 3000);
        });
    }
    window.setTimeout(tick, 500);
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-import-form]").forEach(wireDropZone);
    document.querySelectorAll("[data-import-job]").forEach(function (panel) {
      if (panel.dataset.status === "previewing" || panel.dataset.status === "running") followJob(panel);
    });
  });
})();
