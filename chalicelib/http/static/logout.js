// Code on demand: the server tells the browser how to forget the session.
// Everything this origin stored is the session (token and cached items), so
// clearing both storages removes it whichever client stored it; the page's
// refresh token is in a cookie script cannot read, so the server revokes it
// and clears the cookie. Relative URLs, so this works at / and under a stage prefix.
localStorage.clear();
sessionStorage.clear();
const home = () => window.location.replace(new URL("../../", window.location.href));
fetch(new URL("../../v2/auth/revoke", window.location.href), {
  method: "POST",
  headers: { "Content-Type": "application/json" },
  body: "{}",
}).then(home, home);
