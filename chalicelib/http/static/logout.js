// Code on demand: the server tells the browser how to forget the session.
// Everything this origin stored is the session (token and cached items), so
// clearing both storages removes it whichever client stored it.
localStorage.clear();
sessionStorage.clear();
// Relative, so it lands on the app's root whether served at / or under a stage prefix.
window.location.replace(new URL("../../", window.location.href));
