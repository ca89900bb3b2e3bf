// Draws the pending and done lists. Titles only ever reach the page through
// textContent and attribute values, never as HTML.

import { orderButtons } from "./ordering.js";
import { el } from "./dom.js";
import { detailsButton, todoMeta } from "./todo_details.js";

const $ = (id) => document.getElementById(id);
let drawn = "";

function actionButton(action, todo, label, text, className) {
  const data = { action, id: todo.id, focus: `${action}:${todo.id}` };
  return el("button", { type: "button", class: className, "aria-label": label, data }, text ? [text] : []);
}

function itemRow(todo, view) {
  if (view.editing === todo.id) return renameRow(todo, view);
  const done = todo.status === "DONE";
  const toggleLabel = `${done ? "Mark pending" : "Mark done"}: ${todo.title}`;
  const row = el("li", { class: done ? "item done" : "item", data: { id: todo.id } }, [
    actionButton("toggle", todo, toggleLabel, "", "toggle"),
    el("span", { class: "text" }, [el("span", { class: "title", text: todo.title }), ...todoMeta(todo)]),
    el("span", { class: "actions" }, [
      ...orderButtons(todo),
      detailsButton(todo),
      actionButton("rename", todo, `Rename: ${todo.title}`, "Rename", "quiet small"),
      actionButton("delete", todo, `Delete: ${todo.title}`, "Delete", "quiet small danger"),
    ]),
  ]);
  row.draggable = true;
  if (view.busy.has(todo.id)) {
    row.classList.add("busy");
    row.setAttribute("aria-busy", "true");
    for (const button of row.querySelectorAll("button")) button.setAttribute("aria-disabled", "true");
  }
  return row;
}

function renameRow(todo, view) {
  const inputId = `rename-${todo.id}`;
  const input = el("input", {
    id: inputId,
    class: "rename-input",
    maxlength: "255",
    autocomplete: "off",
    data: { id: todo.id, focus: `rename-input:${todo.id}` },
  });
  input.value = view.drafts.get(todo.id) ?? todo.title;
  const cancel = actionButton("cancel", todo, `Cancel renaming: ${todo.title}`, "Cancel", "quiet small");
  const save = el("button", { type: "submit", class: "primary small", "aria-label": `Save: ${todo.title}` }, ["Save"]);
  const form = el("form", { class: "rename", novalidate: "", data: { id: todo.id } }, [
    el("label", { for: inputId, text: "New title" }),
    el("span", { class: "rename-row" }, [input, save, cancel]),
    el("span", { class: "hint", text: `Now called “${todo.title}”` }),
  ]);
  return el("li", { class: "item editing", data: { id: todo.id } }, [form]);
}

function fillList(status, todos, view) {
  const key = status.toLowerCase();
  const mine = todos.filter((todo) => todo.status === status);
  $(`${key}-list`).replaceChildren(...mine.map((todo) => itemRow(todo, view)));
  $(`${key}-count`).textContent = String(mine.length);
  $(`${key}-empty`).hidden = mine.length > 0;
}

/** Redraw when anything shown changed, then put focus where the person expects it. */
export function renderLists(view) {
  $("loading").hidden = view.todos !== null || view.stale;
  $("lists").hidden = view.todos === null;
  $("lists").classList.toggle("stale", view.stale);
  const picture = JSON.stringify([view.todos, view.editing, [...view.busy]]);
  let focusKey = view.focusAfter;
  view.focusAfter = null;
  if (picture !== drawn && view.todos !== null) {
    focusKey ??= document.activeElement?.dataset?.focus;
    drawn = picture;
    fillList("PENDING", view.todos, view);
    fillList("DONE", view.todos, view);
  }
  if (focusKey) focusOn(focusKey);
}

function focusOn(key) {
  const target = key === "new-title" ? $("new-title") : document.querySelector(`[data-focus="${CSS.escape(key)}"]`);
  if (!target) return $("new-title").focus();
  target.focus();
  if (target.tagName === "INPUT") target.setSelectionRange(target.value.length, target.value.length);
}

/** The focus key of the row after this one, or the New item field when it is the last. */
export function nextFocus(id) {
  const row = document.querySelector(`li[data-id="${CSS.escape(id)}"]`);
  const next = row?.nextElementSibling ?? row?.previousElementSibling;
  return next ? `toggle:${next.dataset.id}` : "new-title";
}

/** Remove every item from the page, so nothing of one person stays for the next. */
export function clearLists() {
  drawn = "";
  for (const key of ["pending", "done"]) {
    $(`${key}-list`).replaceChildren();
    $(`${key}-count`).textContent = "0";
  }
}
