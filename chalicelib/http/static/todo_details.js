// Each todo's notes and due date: shown under its title, and edited in a
// dialog opened by the item's Details button. Overdue items say so in words,
// not only in colour.

import * as api from "./api.js";
import { dateInputValue, dueText, isOverdue } from "./due.js";
import { el } from "./dom.js";
import { describe } from "./messages.js";
import { keepTodo } from "./sync.js";

const $ = (id) => document.getElementById(id);
let board = null;
let editing = null; // the todo as it was when its dialog opened

/** The lines under a title: when it is due (and whether that has passed), then its notes. */
export function todoMeta(todo) {
  const lines = [];
  if (todo.due) {
    const overdue = isOverdue(todo);
    const when = dueText(todo.due);
    const text = overdue ? `Overdue: was due ${when}` : `Due ${when}`;
    lines.push(el("span", { class: overdue ? "due overdue" : "due", text }));
  }
  if (todo.notes) lines.push(el("span", { class: "notes", text: todo.notes }));
  return lines;
}

export function detailsButton(todo) {
  const data = { action: "details", id: todo.id, focus: `details:${todo.id}` };
  return el("button", { type: "button", class: "quiet small", "aria-label": `Details: ${todo.title}`, data }, [
    "Details",
  ]);
}

function say(message) {
  $("details-message").textContent = message;
  $("details-message").className = message ? "notice error" : "notice";
}

function open(todo) {
  editing = todo;
  $("details-title").textContent = `Details of “${todo.title}”`;
  $("details-notes").value = todo.notes ?? "";
  $("details-due").value = dateInputValue(todo.due);
  say("");
  $("details-dialog").showModal();
  $("details-notes").focus();
}

/** Only what the person changed: a date-time due stays as it is unless its day was changed. */
function changes() {
  const wanted = {};
  const notes = $("details-notes").value;
  const due = $("details-due").value;
  if (notes !== (editing.notes ?? "")) wanted.notes = notes;
  if (due !== dateInputValue(editing.due)) wanted.due = due || null;
  return wanted;
}

async function save(event) {
  event.preventDefault();
  const todo = editing;
  const wanted = changes();
  if (!todo || board.view.busy.has(todo.id)) return;
  if (Object.keys(wanted).length === 0) return close();
  board.view.busy.add(todo.id);
  try {
    const saved = await board.authorized((token) => api.updateTodo(token, todo, wanted));
    keepTodo(saved);
    board.announce(`Saved the details of “${todo.title}”.`);
    close();
  } catch (error) {
    if (error.kind === "session") {
      $("details-dialog").close();
      return board.report(error);
    }
    say(describe(error, { title: todo.title })); // what was typed stays in the dialog
  } finally {
    board.view.busy.delete(todo.id);
    board.redraw();
    board.refresh();
  }
}

function close() {
  const focus = editing && `details:${editing.id}`;
  editing = null;
  if ($("details-dialog").open) $("details-dialog").close();
  if (focus) document.querySelector(`[data-focus="${CSS.escape(focus)}"]`)?.focus();
}

export function setUpDetails(context) {
  board = context;
  $("lists").addEventListener("click", (event) => {
    const button = event.target.closest('button[data-action="details"]');
    const todo = button && board.view.todos?.find((t) => t.id === button.dataset.id);
    if (todo && button.getAttribute("aria-disabled") !== "true") open(todo);
  });
  $("details-form").addEventListener("submit", save);
  $("details-cancel").addEventListener("click", close);
  $("details-clear-due").addEventListener("click", () => {
    $("details-due").value = "";
    $("details-due").focus();
  });
  $("details-dialog").addEventListener("cancel", (event) => {
    event.preventDefault(); // Escape: close the same way as Cancel, focus and all
    close();
  });
}

export function forgetDetails() {
  editing = null;
  if ($("details-dialog").open) $("details-dialog").close();
}
