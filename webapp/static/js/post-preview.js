// Live preview for the post editor: sends the text to the server, which renders and
// sanitises it exactly as the post page will, and shows the answer. Without this file
// the editor still works; the preview then shows the text as last saved.
(function () {
  "use strict";
  const preview = document.getElementById("preview");
  if (!preview) return;
  const source = document.getElementById(preview.dataset.source);
  const status = document.getElementById("preview-status");
  const token = document.querySelector('meta[name="csrf-token"]').content;
  let timer = null;
  let sent = 0;

  async function refresh() {
    const ticket = ++sent;
    try {
      const response = await fetch(preview.dataset.previewUrl, {
        method: "POST",
        headers: { "Content-Type": "application/json", "X-CSRFToken": token },
        credentials: "same-origin",
        body: JSON.stringify({ text: source.value }),
      });
      const answer = await response.json();
      if (ticket !== sent) return; // a newer request is on its way; keep the order
      if (!response.ok) {
        status.textContent = answer.error || "The preview could not be made.";
        return;
      }
      // Safe: the server's sanitised HTML (nh3), the same the post page shows.
      preview.innerHTML = answer.html;
      status.textContent = "";
    } catch (error) {
      status.textContent = "The preview is not available right now.";
    }
  }

  source.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(refresh, 250);
  });
})();
