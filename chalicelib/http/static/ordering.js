// The list's manual order: "Move up" and "Move down" buttons on every item,
// and drag and drop within the pending or the done list. Either way one call,
// POST /v2/todos/{id}/move {"after"}, puts the todo after another (null: first).

import { call } from "./api.js";
import { el } from "./dom.js";
import { keepTodo } from "./sync.js";

const $ = (id) => document.getElementById(id);
let board = null;
let dragged = null; // the row being dragged

/** Both buttons; CSS hides Move up on a list's first item and Move down on its last. */
export function orderButtons(todo) {
  const button = (action, label, glyph) =>
    el("button", {
      type: "button",
      class: `quiet small ${action}`,
      "aria-label": `${label}: ${todo.title}`,
      data: { action, id: todo.id, focus: `${action}:${todo.id}` },
    }, [glyph]);
  return [button("move-up", "Move up", "↑"), button("move-down", "Move down", "↓")];
}

const idsShownWith = (row) => [...row.parentElement.children].map((sibling) => sibling.dataset.id);

/** Where a row's item goes so that it ends up just above the row now above it. */
function afterForMoveUp(ids, index) {
  return index >= 2 ? ids[index - 2] : null;
}

async function move(todo, after, { focus, done }) {
  if (board.view.busy.has(todo.id)) return;
  board.view.busy.add(todo.id);
  board.render();
  try {
    const path = `v2/todos/${encodeURIComponent(todo.id)}/move`;
    const answer = await board.authorized((token) => call("POST", path, { token, body: { after } }));
    keepTodo(await answer.json());
    board.say("");
    board.announce(done);
    board.view.focusAfter = focus;
  } catch (error) {
    board.report(error, { title: todo.title });
  } finally {
    board.view.busy.delete(todo.id);
    board.redraw();
    board.refresh();
  }
}

function moveByButton(button) {
  const todo = board.view.todos?.find((t) => t.id === button.dataset.id);
  const row = button.closest("li[data-id]");
  if (!todo || !row) return;
  const ids = idsShownWith(row);
  const index = ids.indexOf(todo.id);
  if (button.dataset.action === "move-up" && index > 0) {
    const after = afterForMoveUp(ids, index);
    const focus = after === null ? `move-down:${todo.id}` : `move-up:${todo.id}`;
    return move(todo, after, { focus, done: `Moved “${todo.title}” up.` });
  }
  if (button.dataset.action === "move-down" && index < ids.length - 1) {
    const focus = index + 2 === ids.length ? `move-up:${todo.id}` : `move-down:${todo.id}`;
    return move(todo, ids[index + 1], { focus, done: `Moved “${todo.title}” down.` });
  }
}

/** Dropped on another row of the same list: the dragged item takes that row's place. */
function dropOn(target) {
  const todo = board.view.todos?.find((t) => t.id === dragged.dataset.id);
  const ids = idsShownWith(target);
  const from = ids.indexOf(dragged.dataset.id);
  const to = ids.indexOf(target.dataset.id);
  if (!todo || from === to) return;
  const after = to > from ? ids[to] : to > 0 ? ids[to - 1] : null;
  move(todo, after, { focus: null, done: `Moved “${todo.title}”.` });
}

function targetRow(event) {
  const row = event.target.closest?.("li[data-id]");
  return row && dragged && row !== dragged && row.parentElement === dragged.parentElement ? row : null;
}

function clearDropMarks() {
  for (const row of document.querySelectorAll(".drop-target")) row.classList.remove("drop-target");
}

function wireDragAndDrop(lists) {
  lists.addEventListener("dragstart", (event) => {
    const row = event.target.closest?.("li[draggable=true]");
    if (!row || board.view.busy.has(row.dataset.id)) return event.preventDefault();
    dragged = row;
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", row.dataset.id);
    row.classList.add("dragging");
  });
  lists.addEventListener("dragover", (event) => {
    const row = targetRow(event);
    if (!row) return;
    event.preventDefault(); // this row takes the drop
    event.dataTransfer.dropEffect = "move";
    clearDropMarks();
    row.classList.add("drop-target");
  });
  lists.addEventListener("drop", (event) => {
    const row = targetRow(event);
    if (!row) return;
    event.preventDefault();
    dropOn(row);
  });
  lists.addEventListener("dragend", () => {
    dragged?.classList.remove("dragging");
    dragged = null;
    clearDropMarks();
  });
}

export function setUpOrdering(context) {
  board = context;
  const lists = $("lists");
  lists.addEventListener("click", (event) => {
    const button = event.target.closest('button[data-action="move-up"], button[data-action="move-down"]');
    if (button && button.getAttribute("aria-disabled") !== "true") moveByButton(button);
  });
  wireDragAndDrop(lists);
}
