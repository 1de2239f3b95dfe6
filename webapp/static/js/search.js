// The header search box: top hits while typing, as an ARIA combobox with a listbox.
// Arrow keys move through the hits, Enter opens the chosen one (or searches), Escape
// closes the list. The hits are HTML rendered (and escaped) by the server.
(function () {
  "use strict";
  var input = document.getElementById("site-search");
  if (!input) { return; }
  var list = document.getElementById(input.getAttribute("aria-controls"));
  var url = input.getAttribute("data-suggest-url");
  var timer = null;
  var latest = 0;
  var active = -1;

  function options() { return list.querySelectorAll('[role="option"]'); }

  function close() {
    list.hidden = true;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
    active = -1;
  }

  function highlight(index) {
    var items = options();
    if (!items.length) { return; }
    active = (index + items.length) % items.length;
    items.forEach(function (item, i) { item.setAttribute("aria-selected", i === active ? "true" : "false"); });
    input.setAttribute("aria-activedescendant", items[active].id);
    items[active].scrollIntoView({ block: "nearest" });
  }

  function fetchSuggestions() {
    var query = input.value.trim();
    if (query.length < 2) { close(); return; }
    var ticket = ++latest;
    fetch(url + "?q=" + encodeURIComponent(query), { headers: { "Accept": "text/html" }, credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.text() : ""; })
      .then(function (html) {
        if (ticket !== latest) { return; }  // a newer keystroke has its own answer coming
        list.innerHTML = html;
        active = -1;
        if (options().length) {
          list.hidden = false;
          input.setAttribute("aria-expanded", "true");
        } else {
          close();
        }
      })
      .catch(close);
  }

  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(fetchSuggestions, 150);
  });

  input.addEventListener("keydown", function (event) {
    var open = !list.hidden;
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      if (!open) { fetchSuggestions(); return; }
      event.preventDefault();
      highlight(active + (event.key === "ArrowDown" ? 1 : -1));
    } else if (event.key === "Enter" && open && active >= 0) {
      event.preventDefault();
      var link = options()[active].querySelector("a");
      if (link) { window.location.assign(link.href); }
    } else if (event.key === "Escape" && open) {
      event.preventDefault();
      close();
    }
  });

  // Keep focus in the box when a hit is pressed, so the click lands on its link.
  list.addEventListener("mousedown", function (event) { event.preventDefault(); });
  input.addEventListener("blur", close);
})();
