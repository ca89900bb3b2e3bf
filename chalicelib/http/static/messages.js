// What went wrong, in words a person understands. `context.title` names the
// item a duplicate-title answer is about.

const FIELD_NAMES = {
  username: "Username",
  name: "Username",
  email: "Email",
  password: "Password",
  current_password: "The current password",
  new_password: "The new password",
  title: "The title",
};

const CONFLICTS = {
  username: () => "That username is taken. Please choose another.",
  email: () => "An account with that email already exists. Try logging in instead.",
  title: (context) => `You already have an item called “${context.title}”.`,
};

const FIXED = {
  network: "Can’t reach the server. Check your connection, then try again.",
  credentials: "That username and password don’t match. Check both and try again.",
  busy: "The service is busy right now. Please try again in a moment.",
  changed: "This item was changed somewhere else, so nothing was saved. The list now shows the latest version.",
  gone: "That item no longer exists. The list now shows what is there.",
};

export const SESSION_MESSAGES = {
  expired: "Your session has expired. Please log in again; anything you were typing is kept.",
  invalid: "Your session is no longer valid. Please log in again.",
  revoked: "This session was ended (logged out everywhere, or the password changed). Please log in again.",
  ended: "Your session has ended. Please log in again; anything you were typing is kept.",
  invalid_grant: "Your session has ended. Please log in again; anything you were typing is kept.",
};

function seconds(count) {
  return count === 1 ? "1 second" : `${count} seconds`;
}

export function describe(error, context = {}) {
  if (error.kind in FIXED) return FIXED[error.kind];
  if (error.kind === "conflict" && error.problem.type?.endsWith("/quota-exceeded")) {
    return `You have reached the limit of ${error.problem.limit} items. Delete some to add more.`;
  }
  if (error.kind === "conflict") {
    const conflict = CONFLICTS[error.problem.field] ?? CONFLICTS.title;
    return conflict(context);
  }
  if (error.kind === "invalid" && Array.isArray(error.problem.errors)) {
    return error.problem.errors
      .map(({ field, message }) => `${FIELD_NAMES[field] ?? field} ${message}.`)
      .join(" ");
  }
  if (error.kind === "slow" && error.problem.retryAfter >= 0) {
    return `Too many wrong passwords. Please wait ${seconds(error.problem.retryAfter)}, then try again.`;
  }
  if (error.kind === "session") return SESSION_MESSAGES[error.problem.reason] ?? SESSION_MESSAGES.invalid;
  return `Something went wrong (error ${error.problem.status ?? "unknown"}). Please try again.`;
}
