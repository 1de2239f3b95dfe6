/* Shelfmark's one script: theme switch, keyboard shortcuts, and saving a reading in
   place. Every page works without it; it only makes them quicker to use.
   Loaded in <head> without defer so the remembered theme applies before first paint. */
(function () {
  "use strict";

  var THEMES = ["auto", "light", "dark"];
  var NAMES = { auto: "Auto", light: "Light", dark: "Dark" };
  var root = document.documentElement;

  function storedTheme() {
    try { return localStorage.getItem("shelfmark-theme") || "auto"; } catch (e) { return "auto"; }
  }

  function applyTheme(theme) {
    if (theme === "light" || theme === "dark") { root.setAttribute("data-theme", theme); }
    else { root.removeAttribute("data-theme"); theme = "auto"; }
    var button = document.getElementById("theme-toggle");
    if (button) {
      button.querySelector(".theme-name").textContent = NAMES[theme];
      button.setAttribute("aria-label", "Colour theme: " + (theme === "auto" ? "follow the system" : NAMES[theme]));
      button.dataset.theme = theme;
    }
    return theme;
  }

  applyTheme(storedTheme());

  function nextTheme() {
    var current = storedTheme();
    var next = THEMES[(THEMES.indexOf(current) + 1) % THEMES.length];
    try { localStorage.setItem("shelfmark-theme", next); } catch (e) { /* private mode */ }
    applyTheme(next);
  }

  function typingInto(target) {
    return target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName));
  }

  function onKey(event) {
    if (event.ctrlKey || event.metaKey || event.altKey || typingInto(event.target)) { return; }
    if (event.key === "/") {
      var search = document.getElementById("site-search");
      if (search) { event.preventDefault(); search.focus(); }
    } else if (event.key === "n") {
      var link = document.querySelector("a.new-book");
      if (link) { event.preventDefault(); window.location.assign(link.href); }
    }
  }

  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.content : "";
  }

  /* A form marked data-fragment="reading" posts in the background and swaps the panel
     the server sends back (saved state, or the form with its messages), and any other
     section sent after it that has the id of one on the page. */
  function onSubmit(event) {
    var form = event.target;
    if (!form.matches || !form.matches("form[data-fragment]")) { return; }
    event.preventDefault();
    var panel = form.closest("[data-fragment-root]");
    var button = form.querySelector("button[type=submit]");
    if (button) { button.disabled = true; }
    fetch(form.action, {
      method: "POST",
      body: new FormData(form),
      headers: { "X-CSRFToken": csrfToken(), "X-Fragment": form.dataset.fragment },
      credentials: "same-origin"
    }).then(function (response) {
      return response.text().then(function (html) { return { ok: response.ok || response.status === 422, html: html }; });
    }).then(function (result) {
      if (!result.ok) { form.submit(); return; }
      var holder = document.createElement("div");
      holder.innerHTML = result.html;
      var parts = Array.prototype.slice.call(holder.children);
      var fresh = parts[0];
      panel.replaceWith(fresh);
      /* Sections sent along (the reading history) replace their namesakes on the page. */
      parts.slice(1).forEach(function (part) {
        var old = part.id && document.getElementById(part.id);
        if (old) { old.replaceWith(part); }
      });
      var focusTarget = fresh.querySelector("[aria-invalid=true]") || fresh.querySelector("[role=status]");
      if (focusTarget) { focusTarget.focus(); }
    }).catch(function () {
      form.submit();
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    applyTheme(storedTheme());
    var button = document.getElementById("theme-toggle");
    if (button) { button.addEventListener("click", nextTheme); }
    document.addEventListener("keydown", onKey);
    document.addEventListener("submit", onSubmit);
  });
})();
