// Starts Swagger UI on the server's own OpenAPI document; a file of its own so the page's CSP needs no inline script.
window.addEventListener("load", function () {
  window.ui = SwaggerUIBundle({ url: "/openapi", dom_id: "#swagger-ui", deepLinking: true, tryItOutEnabled: false });
});
