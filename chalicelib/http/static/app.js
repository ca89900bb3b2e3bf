// The to-do page: wires the login form, the lists and the v2 API together.
// Writes go to the server first; the page then shows the server's answer and
// re-reads the whole list, so what it shows as current is what the server has.

import { resetAccount, setUpAccount } from "./account.js";
import * as api from "./api.js";
import { setUpAuth, showAuth } from "./auth.js";
import { clearLists, nextFocus, renderLists } from "./board.js";
import { SESSION_MESSAGES, describe } from "./messages.js";
import { authorized, forget, isSignedIn, lastUsername, logOut, resume, whenSessionEnds } from "./session.js";

const $ = (id) => document.getElementById(id);
const view = { todos: null, stale: false, editing: null, busy: new Set(), drafts: new Map(), focusAfter: null };
let signedInAs = null;
let refreshes = 0;
let adding = false;

const render = () => renderLists(view);

function say(message, tone = "error") {
  const box = $("board-message");
  box.textContent = message;
  box.className = message ? `notice ${tone}` : "notice";
  if (message) box.scrollIntoView({ block: "nearest" });
}

function announce(message) {
  $("announcer").textContent = message;
}

function showBoard(username) {
  if (signedInAs !== username) forgetPerson();
  signedInAs = username;
  view.todos = null; // nothing is shown as current until the server has answered
  $("who").textContent = username;
  $("account").hidden = false;
  $("board").hidden = false;
  render();
  refresh();
}

function forgetPerson() {
  Object.assign(view, { todos: null, stale: false, editing: null, focusAfter: null });
  view.busy.clear();
  view.drafts.clear();
  $("new-title").value = "";
  $("stale").hidden = true;
  say("");
  announce("");
  clearLists();
  resetAccount();
}

function leaveBoard() {
  refreshes += 1; // answers still on their way are for a board no longer shown
  forget();
  $("board").hidden = true;
  $("account").hidden = true;
}

function sessionEnded(reason) {
  if ($("board").hidden) return;
  leaveBoard();
  say("");
  showAuth({ message: SESSION_MESSAGES[reason] ?? SESSION_MESSAGES.invalid, username: signedInAs ?? "" });
}

/** The session is over on purpose (log out, everywhere, or the account deleted). */
function signedOut(message) {
  leaveBoard();
  signedInAs = null;
  forgetPerson();
  showAuth({ message });
}

async function logOutHere() {
  const button = $("log-out");
  if (button.getAttribute("aria-disabled") === "true") return;
  button.setAttribute("aria-disabled", "true");
  try {
    await logOut();
    signedOut("You’re logged out. See you soon.");
  } catch (error) {
    report(error); // the session goes on: say why, so the person can try again
  } finally {
    button.removeAttribute("aria-disabled");
  }
}

/** Turn a failed call into words, or back to the login form if the session is over. */
function report(error, context) {
  if (error.kind === "session") return sessionEnded(error.problem.reason);
  say(describe(error, context));
}

async function refresh() {
  const ticket = ++refreshes;
  $("board").setAttribute("aria-busy", "true");
  try {
    const todos = await authorized(api.listTodos);
    if (ticket !== refreshes) return;
    Object.assign(view, { todos, stale: false });
    if (!todos.some((todo) => todo.id === view.editing)) view.editing = null;
    $("stale").hidden = true;
  } catch (error) {
    if (ticket !== refreshes) return;
    if (error.kind === "session") return sessionEnded(error.problem.reason);
    view.stale = true;
    $("stale-text").textContent = `${describe(error)} ${view.todos ? "The list below may be out of date." : ""}`;
    $("stale").hidden = false;
  } finally {
    if (ticket === refreshes) {
      $("board").removeAttribute("aria-busy");
      render();
    }
  }
}

async function add(event) {
  event.preventDefault();
  const input = $("new-title");
  const title = input.value.trim();
  if (!title) {
    say("Type what needs doing, then press Add.");
    return input.focus();
  }
  if (adding) return;
  adding = true;
  $("add-button").setAttribute("aria-disabled", "true");
  try {
    const todo = await authorized((token) => api.createTodo(token, title));
    if (input.value.trim() === title) input.value = ""; // keep anything typed since
    say("");
    announce(`Added “${title}”.`);
    view.todos = view.todos && [...view.todos.filter((t) => t.id !== todo.id), todo];
    render();
    refresh();
  } catch (error) {
    report(error, { title });
    if (error.kind !== "session") refresh(); // the list may have moved on meanwhile
  } finally {
    adding = false;
    $("add-button").removeAttribute("aria-disabled");
  }
}

/** Run one write for one item; on success show the server's answer, then re-read. */
async function write(todo, { request, focus, done, failedFocus }) {
  view.busy.add(todo.id);
  render();
  let result;
  try {
    result = await authorized(request);
    view.todos = result
      ? view.todos.map((t) => (t.id === todo.id ? result : t))
      : view.todos.filter((t) => t.id !== todo.id);
    say("");
    announce(done(result));
    view.focusAfter = focus;
  } catch (error) {
    report(error, { title: error.kind === "conflict" ? view.drafts.get(todo.id)?.trim() : todo.title });
    view.focusAfter = failedFocus;
    if (error.kind === "session") return;
  } finally {
    view.busy.delete(todo.id);
  }
  if (result !== undefined && view.editing === todo.id) stopEditing(todo.id);
  render();
  refresh();
}

function stopEditing(id) {
  view.editing = null;
  view.drafts.delete(id);
}

function act(action, id) {
  const todo = view.todos?.find((t) => t.id === id);
  if (!todo || view.busy.has(id)) return;
  if (action === "rename" || action === "cancel") {
    view.editing = action === "rename" ? id : null;
    view.drafts.delete(id);
    view.focusAfter = action === "rename" ? `rename-input:${id}` : `rename:${id}`;
    return render();
  }
  if (action === "toggle") {
    const status = todo.status === "DONE" ? "PENDING" : "DONE";
    const done = () => `Moved “${todo.title}” to ${status === "DONE" ? "done" : "pending"}.`;
    const focus = `toggle:${id}`;
    return write(todo, { request: (t) => api.updateTodo(t, todo, { status }), focus, done, failedFocus: focus });
  }
  if (action === "delete") {
    const request = (t) => api.deleteTodo(t, todo).then(() => null);
    const done = () => `Deleted “${todo.title}”.`;
    return write(todo, { request, focus: nextFocus(id), done, failedFocus: `delete:${id}` });
  }
}

function rename(id, value) {
  const todo = view.todos?.find((t) => t.id === id);
  const title = value.trim();
  if (!todo || view.busy.has(id)) return;
  view.drafts.set(id, value);
  if (!title) return say("A title can’t be empty. Type a new title, or press Cancel.");
  if (title === todo.title) return act("cancel", id);
  const done = () => `Renamed “${todo.title}” to “${title}”.`;
  const focus = `rename:${id}`;
  return write(todo, { request: (t) => api.updateTodo(t, todo, { title }), focus, done, failedFocus: `rename-input:${id}` });
}

function wireBoard() {
  $("add-form").addEventListener("submit", add);
  $("log-out").addEventListener("click", logOutHere);
  $("retry").addEventListener("click", refresh);
  const lists = $("lists");
  lists.addEventListener("click", (event) => {
    const button = event.target.closest("button[data-action]");
    if (button && button.getAttribute("aria-disabled") !== "true") act(button.dataset.action, button.dataset.id);
  });
  lists.addEventListener("submit", (event) => {
    event.preventDefault();
    rename(event.target.dataset.id, event.target.querySelector("input").value);
  });
  lists.addEventListener("input", (event) => view.drafts.set(event.target.dataset.id, event.target.value));
  lists.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && event.target.matches(".rename-input")) act("cancel", event.target.dataset.id);
  });
  // Coming back to the tab or the network: show what the server has now.
  const refreshIfShown = () => !$("board").hidden && isSignedIn() && refresh();
  window.addEventListener("online", refreshIfShown);
  document.addEventListener("visibilitychange", () => document.visibilityState === "visible" && refreshIfShown());
}

setUpAuth((username) => {
  showBoard(username);
  $("new-title").focus();
});
setUpAccount({ say, report, signedOut, username: () => signedInAs });
wireBoard();
whenSessionEnds(sessionEnded);
start();

/** On arrival, carry on the session the cookie holds, if there is one that still works. */
async function start() {
  $("starting").hidden = false;
  try {
    const username = await resume();
    if (username) return showBoard(username);
    const earlier = lastUsername();
    showAuth(earlier ? { message: SESSION_MESSAGES.ended, username: earlier } : {});
  } catch (error) {
    showAuth({ message: describe(error), tone: "error", username: lastUsername() });
  } finally {
    $("starting").hidden = true;
  }
}
