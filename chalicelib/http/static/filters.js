// Which of the current list's todos are shown: by status and by due date.
// Filtering is done here, on the todos sync holds, so switching a filter
// needs no request.

import { isDueWithinAWeek, isOverdue } from "./due.js";
import { currentListId } from "./lists.js";
import { sync, todosOf } from "./sync.js";

const $ = (id) => document.getElementById(id);
const DEFAULTS = { status: "all", due: "any" };
const chosen = { ...DEFAULTS };

const DUE_TESTS = {
  any: () => true,
  overdue: (todo, now) => isOverdue(todo, now),
  week: (todo, now) => isDueWithinAWeek(todo, now),
  none: (todo) => !todo.due,
};

/** The todos the board shows now, in the list's manual order. */
export function shownTodos() {
  const now = new Date();
  return todosOf(currentListId()).filter(
    (todo) => (chosen.status === "all" || todo.status === chosen.status) && DUE_TESTS[chosen.due](todo, now),
  );
}

/** Sync, then the todos to show. */
export async function syncShown(token) {
  await sync(token);
  return shownTodos();
}

function showSections() {
  $("pending-list").closest("section").hidden = chosen.status === "DONE";
  $("done-list").closest("section").hidden = chosen.status === "PENDING";
}

export function setUpFilters(board) {
  for (const [key, id] of [["status", "filter-status"], ["due", "filter-due"]]) {
    $(id).addEventListener("change", (event) => {
      chosen[key] = event.target.value;
      showSections();
      board.redraw();
    });
  }
}

export function forgetFilters() {
  Object.assign(chosen, DEFAULTS);
  $("filter-status").value = DEFAULTS.status;
  $("filter-due").value = DEFAULTS.due;
  showSections();
}
