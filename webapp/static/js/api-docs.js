// Starts the vendored Swagger UI on /api/docs. Kept in a file: the CSP allows no inline script.
// Calls made from this page with the session (no key entered) carry the page's CSRF token,
// as the API requires of session-authenticated writes.
(function () {
  "use strict";
  var root = document.getElementById("swagger-ui");
  var tokenMeta = document.querySelector('meta[name="csrf-token"]');
  var csrfToken = tokenMeta ? tokenMeta.getAttribute("content") : "";
  window.ui = SwaggerUIBundle({
    url: root.getAttribute("data-spec-url"),
    domNode: root,
    deepLinking: true,
    validatorUrl: null,
    tryItOutEnabled: false,
    requestInterceptor: function (request) {
      var sameOrigin = new URL(request.url, window.location.href).origin === window.location.origin;
      if (sameOrigin && csrfToken) {
        request.headers["X-CSRFToken"] = csrfToken;
      }
      return request;
    },
    presets: [SwaggerUIBundle.presets.apis],
  });
})();
