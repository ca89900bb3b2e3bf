// The session lives in sessionStorage: it survives a reload of this tab, ends
// when the tab closes, and is never sent anywhere by the browser on its own
// (no cookie, so no CSRF). The README explains the choice.

const KEY = "todo.session";

export function currentSession() {
  try {
    const session = JSON.parse(sessionStorage.getItem(KEY));
    return session && typeof session.token === "string" ? session : null;
  } catch {
    return null;
  }
}

export function startSession(username, token) {
  sessionStorage.setItem(KEY, JSON.stringify({ username, token }));
}

/** Forget everything this origin stored, as the /v1/auth/logout page does. */
export function endSession() {
  sessionStorage.clear();
  localStorage.clear();
}
