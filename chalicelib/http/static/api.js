// The v2 API over fetch. Every failure becomes an ApiError with a `kind` the
// page can turn into plain words. URLs are relative to the page, so the app
// works at / and under an API Gateway stage prefix such as /api/.

export class ApiError extends Error {
  constructor(kind, problem = {}) {
    super(problem.detail || kind);
    this.kind = kind; // network | credentials | session | conflict | changed | gone | invalid | slow | busy | other
    this.problem = problem;
  }
}

const KIND_BY_STATUS = { 404: "gone", 409: "conflict", 412: "changed", 422: "invalid", 429: "slow", 503: "busy" };

async function problemFrom(response) {
  let problem = {};
  if ((response.headers.get("Content-Type") || "").includes("json")) {
    problem = await response.json().catch(() => ({}));
  }
  problem.status = response.status;
  if (response.headers.has("Retry-After")) problem.retryAfter = Number(response.headers.get("Retry-After"));
  if (response.status === 401) {
    return new ApiError(problem.reason === "invalid_credentials" ? "credentials" : "session", problem);
  }
  return new ApiError(KIND_BY_STATUS[response.status] || "other", problem);
}

async function call(method, path, { token, body, headers = {} } = {}) {
  const init = { method, headers: { Accept: "application/json", ...headers } };
  if (token) init.headers.Authorization = `Bearer ${token}`;
  if (body !== undefined) {
    init.headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(path, init);
  } catch {
    throw new ApiError("network");
  }
  if (!response.ok) throw await problemFrom(response);
  return response;
}

export async function signUp(username, email, password) {
  await call("POST", "v2/users", { body: { username, email, password } });
}

// Token grants: {access_token, expires_in}. The refresh token comes and goes in
// an HttpOnly cookie scoped to v2/auth/, which this code never sees (session.js).
export async function logIn(username, password) {
  const body = { username, password, refresh_token_cookie: true };
  return (await call("POST", "v2/auth/token", { body })).json();
}

export async function refresh() {
  const body = { grant_type: "refresh_token", refresh_token_cookie: true };
  return (await call("POST", "v2/auth/token", { body })).json();
}

/** End this session: the server revokes the cookie's refresh token and clears the cookie. */
export async function revoke() {
  await call("POST", "v2/auth/revoke", { body: {} });
}

export async function me(token) {
  return (await call("GET", "v2/users/me", { token })).json();
}

export async function endAllSessions(token) {
  await call("DELETE", "v2/users/me/sessions", { token });
}

export async function changePassword(token, currentPassword, newPassword) {
  const body = { current_password: currentPassword, new_password: newPassword };
  await call("PUT", "v2/users/me/password", { token, body });
}

export async function deleteAccount(token, password) {
  await call("DELETE", "v2/users/me", { token, body: { password } });
}

/** Every todo, oldest first, following cursors to the end. */
export async function listTodos(token) {
  const todos = [];
  let cursor = null;
  do {
    const query = new URLSearchParams({ limit: "100" });
    if (cursor) query.set("cursor", cursor);
    const page = await (await call("GET", `v2/todos?${query}`, { token })).json();
    todos.push(...page.items);
    cursor = page.next_cursor;
  } while (cursor);
  return todos;
}

export async function createTodo(token, title) {
  return (await call("POST", "v2/todos", { token, body: { title } })).json();
}

function todoPath(id) {
  return `v2/todos/${encodeURIComponent(id)}`;
}

/**
 * Write to a todo only if it is still the version the person is looking at.
 * The list carries no ETags, so read the todo first: if it changed since it
 * was shown, refuse; otherwise write with If-Match, so a change landing
 * between the read and the write is refused by the server (412) too.
 */
async function guarded(token, shown, method, body) {
  const response = await call("GET", todoPath(shown.id), { token });
  const current = await response.json();
  if (current.updated_at !== shown.updated_at) {
    throw new ApiError("changed", { status: 412 });
  }
  const headers = { "If-Match": response.headers.get("ETag") || "*" };
  return call(method, todoPath(shown.id), { token, body, headers });
}

export async function updateTodo(token, shown, changes) {
  return (await guarded(token, shown, "PATCH", changes)).json();
}

export async function deleteTodo(token, shown) {
  await guarded(token, shown, "DELETE");
}
