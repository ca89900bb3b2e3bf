// The person's lists: shown as a row of buttons, one of them current; made,
// renamed and deleted (after asking, in the page) through /v2/lists; and
// "Clear completed" for the current one. The todos themselves come from sync.

import { call } from "./api.js";
import { el } from "./dom.js";
import { allLists, dropList, findList, keepList, onSynced, todosOf } from "./sync.js";

const $ = (id) => document.getElementById(id);
let currentId = "default";
let busy = false;
let board = null;

export function currentListId() {
  return currentId;
}

const listPath = (id) => `v2/lists/${encodeURIComponent(id)}`;

function renderNav() {
  if (!findList(currentId)) currentId = "default"; // deleted elsewhere
  const focused = document.activeElement?.dataset?.listId;
  const tabs = allLists().map((list) => {
    const props = { type: "button", class: "tab", data: { listId: list.id } };
    if (list.id === currentId) props["aria-current"] = "true";
    return el("li", {}, [el("button", props, [list.title])]);
  });
  $("list-tabs").replaceChildren(...tabs);
  const current = findList(currentId);
  $("list-title").textContent = current.title;
  $("delete-list").hidden = current.default;
  if (focused) document.querySelector(`[data-list-id="${CSS.escape(focused)}"]`)?.focus();
}

function switchTo(id) {
  currentId = id;
  closeRenameForm();
  renderNav();
  board.redraw();
  board.refresh();
}

function listError(error, title) {
  if (error.kind === "conflict" && error.problem.type?.endsWith("/quota-exceeded")) {
    return board.say(`You have reached the limit of ${error.problem.limit} lists. Delete one to make another.`);
  }
  if (error.kind === "conflict" && error.problem.field === "title") {
    return board.say(`You already have a list called “${title}”.`);
  }
  board.report(error);
}

/** Run one write about lists at a time; whatever happens, re-sync after it. */
async function oneAtATime(work) {
  if (busy) return;
  busy = true;
  try {
    await board.authorized(work);
    board.say("");
  } finally {
    busy = false;
    renderNav();
    board.refresh();
  }
}

function createList(event) {
  event.preventDefault();
  const input = $("new-list");
  const title = input.value.trim();
  if (!title) {
    board.say("Type a name for the new list, then press Create list.");
    return input.focus();
  }
  return oneAtATime(async (token) => {
    try {
      const list = await (await call("POST", "v2/lists", { token, body: { title } })).json();
      keepList(list);
      if (input.value.trim() === title) input.value = "";
      board.announce(`Made the list “${title}”.`);
      switchTo(list.id);
    } catch (error) {
      listError(error, title);
    }
  });
}

function openRenameForm() {
  $("list-name").value = findList(currentId).title;
  $("rename-list-form").hidden = false;
  $("list-name").focus();
}

function closeRenameForm(focus = false) {
  $("rename-list-form").hidden = true;
  if (focus) $("rename-list").focus();
}

function renameList(event) {
  event.preventDefault();
  const list = findList(currentId);
  const title = $("list-name").value.trim();
  if (!title) return board.say("A list needs a name. Type one, or press Cancel.");
  if (title === list.title) return closeRenameForm(true);
  return oneAtATime(async (token) => {
    try {
      keepList(await (await call("PATCH", listPath(list.id), { token, body: { title } })).json());
      board.announce(`Renamed the list “${list.title}” to “${title}”.`);
      closeRenameForm(true);
    } catch (error) {
      listError(error, title);
    }
  });
}

function askBeforeDeleting() {
  const list = findList(currentId);
  const count = todosOf(list.id).length;
  const items = count === 1 ? "its 1 item" : `its ${count} items`;
  $("delete-list-question").textContent = `Delete the list “${list.title}” and ${items}? This can’t be undone.`;
  $("delete-list-dialog").dataset.listId = list.id;
  $("delete-list-dialog").showModal();
  $("delete-list-no").focus();
}

function deleteList() {
  const dialog = $("delete-list-dialog");
  const list = findList(dialog.dataset.listId);
  dialog.close();
  if (!list) return;
  return oneAtATime(async (token) => {
    try {
      await call("DELETE", listPath(list.id), { token });
      dropList(list.id);
      board.announce(`Deleted the list “${list.title}”.`);
      switchTo("default");
      document.querySelector('[data-list-id="default"]')?.focus();
    } catch (error) {
      board.report(error);
    }
  });
}

/** Delete the current list's done todos, asking again while the server says there are more. */
function clearCompleted() {
  const listId = currentId;
  return oneAtATime(async (token) => {
    let cleared = 0;
    try {
      for (let more = true; more; ) {
        const answer = await (await call("POST", `${listPath(listId)}/clear`, { token })).json();
        cleared += answer.cleared;
        more = answer.more;
      }
      board.announce(cleared === 1 ? "Cleared 1 done item." : `Cleared ${cleared} done items.`);
    } catch (error) {
      board.report(error);
    }
  });
}

export function setUpLists(context) {
  board = context;
  onSynced(renderNav);
  $("list-tabs").addEventListener("click", (event) => {
    const tab = event.target.closest("button[data-list-id]");
    if (tab && tab.dataset.listId !== currentId) switchTo(tab.dataset.listId);
  });
  $("new-list-form").addEventListener("submit", createList);
  $("rename-list").addEventListener("click", openRenameForm);
  $("rename-list-form").addEventListener("submit", renameList);
  $("rename-list-cancel").addEventListener("click", () => closeRenameForm(true));
  $("list-name").addEventListener("keydown", (event) => event.key === "Escape" && closeRenameForm(true));
  $("delete-list").addEventListener("click", askBeforeDeleting);
  $("delete-list-yes").addEventListener("click", deleteList);
  $("delete-list-no").addEventListener("click", () => $("delete-list-dialog").close());
  $("delete-list-dialog").addEventListener("close", () => $("delete-list").focus());
  $("clear-completed").addEventListener("click", clearCompleted);
  renderNav();
}

export function forgetLists() {
  currentId = "default";
  closeRenameForm();
  if ($("delete-list-dialog").open) $("delete-list-dialog").close();
  $("new-list").value = "";
  renderNav();
}
