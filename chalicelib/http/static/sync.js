// The person's lists and todos, held in memory and kept current through
// GET /v2/sync: the first sync reads everything, each later one only what
// changed since the cursor of the one before. The cursor lives here, in
// memory, and nowhere else.

import { call } from "./api.js";

const DEFAULT_LIST = { id: "default", title: "Tasks", default: true, created_at: null };
const state = { cursor: null, lists: new Map(), todos: new Map(), generation: 0, queue: Promise.resolve() };
const listeners = new Set();

/** Call `listener` after every completed sync. */
export function onSynced(listener) {
  listeners.add(listener);
}

/**
 * Bring the held state up to the server's. Syncs run one after another, so an
 * older answer can never land on top of a newer one.
 */
export function sync(token) {
  const generation = state.generation;
  const run = state.queue.catch(() => {}).then(() => pull(token, generation));
  state.queue = run;
  return run;
}

async function pull(token, generation) {
  if (generation !== state.generation) return;
  if (state.cursor === null) await pullEverything(token, generation);
  else await pullChanges(token, generation);
  if (generation === state.generation) for (const listener of listeners) listener();
}

async function syncPage(token, cursor) {
  const query = new URLSearchParams({ limit: "100" });
  if (cursor) query.set("cursor", cursor);
  return (await call("GET", `v2/sync?${query}`, { token })).json();
}

function applyPage(into, page) {
  for (const list of page.lists) into.lists.set(list.id, list);
  for (const todo of page.todos) into.todos.set(todo.id, todo);
  for (const id of page.deleted.lists) into.lists.delete(id);
  for (const id of page.deleted.todos) into.todos.delete(id);
}

/** From scratch, into fresh maps: what is shown meanwhile stays whole. */
async function pullEverything(token, generation) {
  const fresh = { lists: new Map(), todos: new Map() };
  let page = { next_cursor: null, more: true };
  while (page.more) {
    page = await syncPage(token, page.next_cursor);
    applyPage(fresh, page);
  }
  if (generation === state.generation) Object.assign(state, fresh, { cursor: page.next_cursor });
}

async function pullChanges(token, generation) {
  let more = true;
  while (more) {
    let page;
    try {
      page = await syncPage(token, state.cursor);
    } catch (error) {
      if (error.problem?.status !== 410) throw error;
      state.cursor = null; // too old to continue from: start again
      return pullEverything(token, generation);
    }
    if (generation !== state.generation) return;
    applyPage(state, page);
    state.cursor = page.next_cursor;
    more = page.more;
  }
}

/** Forget everything held, and let no sync still under way bring any of it back. */
export function forgetSync() {
  state.generation += 1;
  Object.assign(state, { cursor: null, lists: new Map(), todos: new Map() });
}

/** Every list, the default one first (it exists even before the server stores it), then oldest first. */
export function allLists() {
  const others = [...state.lists.values()].filter((list) => !list.default);
  others.sort((a, b) => (a.id < b.id ? -1 : 1));
  return [state.lists.get("default") ?? DEFAULT_LIST, ...others];
}

export function findList(id) {
  return allLists().find((list) => list.id === id);
}

/** A list's todos in its manual order: by position, compared as strings, as the server does. */
export function todosOf(listId) {
  const mine = [...state.todos.values()].filter((todo) => todo.list_id === listId);
  return mine.sort((a, b) => (a.position < b.position ? -1 : a.position > b.position ? 1 : 0));
}

/** Take a todo or list the server has just answered with, ahead of the next sync. */
export function keepTodo(todo) {
  state.todos.set(todo.id, todo);
}

export function keepList(list) {
  state.lists.set(list.id, list);
}

export function dropList(id) {
  state.lists.delete(id);
  for (const todo of [...state.todos.values()]) if (todo.list_id === id) state.todos.delete(todo.id);
}
