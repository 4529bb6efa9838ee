// The one place page scripts take the CSRF token from (the csrf-token meta tag in base.html)
// and send JSON to the API. Loaded by base.html before every page's own scripts.
//   kholieuApi.csrfToken()                     the token
//   kholieuApi.headers(extra)                  {"X-CSRF-Token": token, ...extra}, e.g. for an XHR
//   kholieuApi.send(method, url, body, init)   fetch() with a JSON body (left out when body is
//                                              undefined), the JSON content type and the token;
//                                              init adds fetch options such as keepalive.
// send resolves to the Response as fetch does: what an error means is each page's business.
window.kholieuApi = (() => {
  const csrfToken = () => document.querySelector('meta[name="csrf-token"]').content;
  const headers = (extra = {}) => ({ "X-CSRF-Token": csrfToken(), ...extra });
  const send = (method, url, body, init = {}) => fetch(url, {
    credentials: "same-origin",
    ...init,
    method,
    headers: headers({ "Content-Type": "application/json", ...init.headers }),
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return Object.freeze({ csrfToken, headers, send });
})();
