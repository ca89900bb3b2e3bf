// The one form for logging in and signing up. Signing up logs straight in.

import * as api from "./api.js";
import { describe } from "./messages.js";
import { logIn } from "./session.js";

const $ = (id) => document.getElementById(id);

const MODES = {
  login: {
    submit: "Log in",
    lede: "Welcome back. Your list is waiting.",
    prompt: "New here?",
    other: "Create an account",
    password: "current-password",
  },
  signup: {
    submit: "Sign up",
    lede: "Make an account in a moment. Your list is yours alone.",
    prompt: "Already have an account?",
    other: "Log in instead",
    password: "new-password",
  },
};
const FIELD_FOR = { username: "username", name: "username", email: "email", password: "password" };

let mode = "login";
let busy = false;
let onLoggedIn = () => {};

function setMode(next) {
  mode = next;
  const text = MODES[mode];
  $("auth-title").textContent = mode === "login" ? "Log in" : "Create your account";
  $("auth-lede").textContent = text.lede;
  $("auth-submit").textContent = text.submit;
  $("switch-prompt").textContent = text.prompt;
  $("switch-mode").textContent = text.other;
  $("email-field").hidden = mode === "login";
  $("password-hint").hidden = mode === "login";
  $("password").autocomplete = text.password;
}

function say(message, tone = "error") {
  const box = $("auth-message");
  box.textContent = message;
  box.className = `notice ${message ? tone : ""}`;
}

function missingField() {
  const wanted = mode === "login" ? ["username", "password"] : ["username", "email", "password"];
  return wanted.find((id) => !$(id).value.trim());
}

async function submit(event) {
  event.preventDefault();
  if (busy) return;
  const missing = missingField();
  if (missing) {
    say(`Please enter your ${missing}.`);
    return $(missing).focus();
  }
  const username = $("username").value.trim();
  const password = $("password").value;
  setBusy(true);
  try {
    if (mode === "signup") {
      await api.signUp(username, $("email").value.trim(), password);
      setMode("login"); // the account exists now: a retry should log in, not sign up again
    }
    await logIn(username, password);
    $("password").value = "";
    say("");
    $("auth").hidden = true;
    onLoggedIn(username);
  } catch (error) {
    say(describe(error));
    $(fieldToFix(error)).focus();
  } finally {
    setBusy(false);
  }
}

function fieldToFix(error) {
  if (error.kind === "credentials") return "password";
  const field = error.problem.field ?? error.problem.errors?.[0]?.field;
  return FIELD_FOR[field] ?? "username";
}

function setBusy(value) {
  busy = value;
  $("auth-form").setAttribute("aria-busy", String(value));
  $("auth-submit").setAttribute("aria-disabled", String(value));
}

export function setUpAuth(loggedIn) {
  onLoggedIn = loggedIn;
  $("auth-form").addEventListener("submit", submit);
  $("switch-mode").addEventListener("click", () => {
    setMode(mode === "login" ? "signup" : "login");
    say("");
    $("username").focus();
  });
}

/** Show the form, optionally with a message and the username filled in. */
export function showAuth({ message = "", tone = "info", username = "" } = {}) {
  setMode("login");
  $("username").value = username;
  $("password").value = "";
  say(message, tone);
  $("auth").hidden = false;
  $(username ? "password" : "username").focus();
}
