// Calls the JSON API with the session cookie and the page's CSRF token; errors carry the server's message.
(function (global) {
  "use strict";
  const csrf = () => (document.querySelector('meta[name="csrf-token"]') || {}).content || "";

  class ApiError extends Error {
    constructor(status, body) {
      const error = (body && body.error) || {};
      super(error.message || ("HTTP " + status));
      this.status = status;
      this.code = error.code || "";
      this.fields = error.fields || {};
    }
  }

  async function request(method, path, body) {
    const options = {method, credentials: "same-origin",
                     headers: {"Accept": "application/json", "X-CSRFToken": csrf()}};
    if (body !== undefined) {
      options.headers["Content-Type"] = "application/json";
      options.body = JSON.stringify(body);
    }
    const response = await fetch("/api/v1" + path, options);
    let data = null;
    try { data = await response.json(); } catch (e) { data = null; }
    if (!response.ok) throw new ApiError(response.status, data);
    return data;
  }

  global.CallinApi = {
    ApiError,
    get: (path) => request("GET", path),
    post: (path, body) => request("POST", path, body === undefined ? {} : body),
    patch: (path, body) => request("PATCH", path, body),
    put: (path, body) => request("PUT", path, body),
  };
})(window);
