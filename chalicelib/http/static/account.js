// Account settings: log out everywhere, change the password, delete the account.
// Each reports in the board's message area; the page's hooks do the rest.

import * as api from "./api.js";
import { authorized, endSession, logIn } from "./session.js";

const $ = (id) => document.getElementById(id);
const BUTTONS = ["log-out-everywhere", "change-password", "delete-account", "delete-confirmed"];
let page = null; // { say(message, tone), report(error, context), signedOut(message), username() }
let busy = false;

/** Run one account action at a time, with its buttons marked busy meanwhile. */
async function exclusively(action) {
  if (busy) return;
  busy = true;
  for (const id of BUTTONS) $(id).setAttribute("aria-disabled", "true");
  try {
    await action();
  } finally {
    busy = false;
    for (const id of BUTTONS) $(id).removeAttribute("aria-disabled");
  }
}

function required(id, message) {
  if ($(id).value) return true;
  page.say(message);
  $(id).focus();
  return false;
}

async function logOutEverywhere() {
  try {
    await authorized(api.endAllSessions);
  } catch (error) {
    return page.report(error);
  }
  endSession();
  page.signedOut("You’re logged out everywhere: on this device and on every other.");
}

async function changePassword() {
  if (!required("current-password", "Type your current password, then your new one.")) return;
  if (!required("new-password", "Type your new password.")) return;
  const current = $("current-password").value;
  const chosen = $("new-password").value;
  try {
    await authorized((token) => api.changePassword(token, current, chosen));
  } catch (error) {
    if (error.kind !== "credentials") return page.report(error);
    page.say("That is not your current password, so your password was not changed.");
    return $("current-password").focus();
  }
  $("current-password").value = "";
  $("new-password").value = "";
  // The change ended every session, this one too: start a new one with the new password.
  try {
    await logIn(page.username(), chosen);
  } catch {
    endSession();
    return page.signedOut("Your password was changed. Please log in with the new one.");
  }
  page.say("Your password was changed. Every other device has been logged out.", "info");
}

function askToDelete(event) {
  event.preventDefault();
  if (!required("delete-password", "Type your password to delete your account.")) return;
  page.say("");
  $("delete-confirm").hidden = false;
  $("delete-confirmed").focus();
}

function keepAccount() {
  $("delete-confirm").hidden = true;
  $("delete-password").value = "";
  page.say("Your account was not deleted.", "info");
  $("delete-account").focus();
}

async function deleteAccount() {
  const password = $("delete-password").value;
  try {
    await authorized((token) => api.deleteAccount(token, password));
  } catch (error) {
    $("delete-confirm").hidden = true;
    if (error.kind !== "credentials") return page.report(error);
    page.say("That password is wrong, so your account was not deleted.");
    return $("delete-password").focus();
  }
  endSession();
  page.signedOut("Your account and all its items have been deleted.");
}

export function setUpAccount(hooks) {
  page = hooks;
  $("log-out-everywhere").addEventListener("click", () => exclusively(logOutEverywhere));
  $("password-form").addEventListener("submit", (event) => {
    event.preventDefault();
    exclusively(changePassword);
  });
  $("delete-form").addEventListener("submit", askToDelete);
  $("delete-password").addEventListener("input", () => ($("delete-confirm").hidden = true));
  $("delete-cancel").addEventListener("click", keepAccount);
  $("delete-confirmed").addEventListener("click", () => exclusively(deleteAccount));
}

/** Closed and empty, so nothing typed here stays for the next person. */
export function resetAccount() {
  for (const id of ["current-password", "new-password", "delete-password"]) $(id).value = "";
  $("delete-confirm").hidden = true;
  $("settings").open = false;
}
