// Starts Swagger UI on the server's own OpenAPI document; a file of its own so the page's CSP needs no inline script.
// The document is shown in two halves (/openapi?set=core, /openapi?set=families): Swagger UI 5.35 stops drawing
// operations once one document holds about 135 of them, and the whole /openapi holds more.
window.addEventListener("load", function () {
  var set = new URLSearchParams(window.location.search).get("set") === "families" ? "families" : "core";
  window.ui = SwaggerUIBundle({ url: "/openapi?set=" + set, dom_id: "#swagger-ui", deepLinking: true, tryItOutEnabled: false });
});
