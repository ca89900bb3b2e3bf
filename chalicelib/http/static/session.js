// The session. The access token lives in this module's memory only, so no
// storage holds it and a reload drops it. The refresh token lives in an
// HttpOnly, SameSite=Strict cookie scoped to v2/auth/: script cannot read
// it, and the browser sends it only to the token routes, only from this
// site. A reload (or a new tab) trades the cookie for a new access token;
// the page refreshes again shortly before each access token expires, and
// once more when the server refuses one. The README's "Where the tokens are
// kept" explains the choice.

import * as api from "./api.js";

// Not a secret: the name the login form offers again after a session ends.
const USER_KEY = "todo.user";
const RETRY_SECONDS = 15; // after a refresh that failed for want of the network

// Earlier versions of the page kept the access token here; a tab open since then drops it.
sessionStorage.removeItem("todo.session");

let accessToken = null;
let timer = null;
let refreshing = null;
let onEnded = () => {};

/** What to call when the session ends by itself (a refresh refused), with the reason. */
export function whenSessionEnds(callback) {
  onEnded = callback;
}

export function lastUsername() {
  return localStorage.getItem(USER_KEY) ?? "";
}

export function isSignedIn() {
  return accessToken !== null;
}

function keep(grant) {
  accessToken = grant.access_token;
  clearTimeout(timer);
  // Refresh a minute before expiry (a quarter of the lifetime for short ones),
  // so no call ever goes out with a token about to lapse.
  const lead = Math.min(60, grant.expires_in / 4);
  timer = setTimeout(refreshOnTime, (grant.expires_in - lead) * 1000);
}

export async function logIn(username, password) {
  keep(await api.logIn(username, password));
  localStorage.setItem(USER_KEY, username);
}

/** On arrival: the cookie's session, if it still works. Its username, or null. */
export async function resume() {
  try {
    await refresh();
  } catch (error) {
    if (error.kind === "session") return null;
    throw error;
  }
  const { username } = await authorized(api.me);
  localStorage.setItem(USER_KEY, username);
  return username;
}

/** One refresh at a time per tab, and across tabs where the browser can lock:
 * tabs share the cookie, and a token presented after another tab rotated it is refused. */
function refresh() {
  const rotate = async () => keep(await api.refresh());
  refreshing ??= (navigator.locks ? navigator.locks.request("todo.refresh", rotate) : rotate())
    .catch((error) => {
      if (error.kind === "session") forget();
      throw error;
    })
    .finally(() => {
      refreshing = null;
    });
  return refreshing;
}

async function refreshOnTime() {
  try {
    await refresh();
  } catch (error) {
    if (error.kind === "session") return onEnded("ended");
    timer = setTimeout(refreshOnTime, RETRY_SECONDS * 1000);
  }
}

/**
 * Run `call(accessToken)`. If the server refuses the token (expired, signed
 * with a key since retired, or issued before a log-out-everywhere), refresh
 * once and run it again; if the refresh is refused too, the session is over.
 */
export async function authorized(call) {
  if (accessToken === null) await refresh();
  const token = accessToken;
  try {
    return await call(token);
  } catch (error) {
    if (error.kind !== "session") throw error;
    try {
      if (accessToken === token) await refresh(); // unless another call already has
    } catch (refreshError) {
      if (refreshError.kind !== "session") throw refreshError;
      const reason = error.problem.reason === "revoked" ? "revoked" : "ended";
      throw new api.ApiError("session", { ...refreshError.problem, reason });
    }
    return call(accessToken);
  }
}

/** Log out here: revoke the refresh token (which also clears its cookie), then forget. */
export async function logOut() {
  await api.revoke();
  endSession();
}

/** Forget the session in this tab; the cookie, if any, is left to the server. */
export function forget() {
  accessToken = null;
  clearTimeout(timer);
}

/** Forget everything this origin stored, as the /v1/auth/logout page does. */
export function endSession() {
  forget();
  sessionStorage.clear();
  localStorage.clear();
}
