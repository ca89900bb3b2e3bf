// Due dates in the browser's own calendar. A due date with no time is a whole
// local day; one with a time is an instant, shown and compared in local time.

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

function startOfDay(date) {
  return new Date(date.getFullYear(), date.getMonth(), date.getDate());
}

function addDays(date, days) {
  return new Date(date.getFullYear(), date.getMonth(), date.getDate() + days);
}

/** The local day a due value falls on. */
export function dueDay(due) {
  if (DATE_ONLY.test(due)) {
    const [year, month, day] = due.split("-").map(Number);
    return new Date(year, month - 1, day);
  }
  return startOfDay(new Date(due));
}

/** A pending todo is overdue once its day is over, or its instant has passed. */
export function isOverdue(todo, now = new Date()) {
  if (!todo.due || todo.status === "DONE") return false;
  if (DATE_ONLY.test(todo.due)) return dueDay(todo.due) < startOfDay(now);
  return new Date(todo.due) < now;
}

/** Due today or in the six days after. */
export function isDueWithinAWeek(todo, now = new Date()) {
  if (!todo.due) return false;
  const day = dueDay(todo.due);
  return day >= startOfDay(now) && day < addDays(now, 7);
}

export function dueText(due) {
  const options = { weekday: "short", day: "numeric", month: "short" };
  if (dueDay(due).getFullYear() !== new Date().getFullYear()) options.year = "numeric";
  if (DATE_ONLY.test(due)) return dueDay(due).toLocaleDateString(undefined, options);
  return new Date(due).toLocaleString(undefined, { ...options, hour: "numeric", minute: "2-digit" });
}

/** The value a date input shows for a due value: its local day, as YYYY-MM-DD. */
export function dateInputValue(due) {
  if (!due) return "";
  const day = dueDay(due);
  const pad = (n) => String(n).padStart(2, "0");
  return `${day.getFullYear()}-${pad(day.getMonth() + 1)}-${pad(day.getDate())}`;
}
