// Keyboard shortcuts on the moderators' desk: j / k move between comments,
// a approves, s marks as spam, r opens the reasons to reject (Enter sends).
// Nothing fires while the moderator types in a field, or with a modifier key.
const rows = () => [...document.querySelectorAll("[data-desk-row]")];
let current = -1;

function select(index) {
  const all = rows();
  if (!all.length) return;
  current = Math.max(0, Math.min(index, all.length - 1));
  all.forEach((row, n) => row.classList.toggle("is-current", n === current));
  all[current].focus({ preventScroll: true });
  all[current].scrollIntoView({ block: "nearest" });
}

function typing(target) {
  return (
    target.isContentEditable ||
    ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName)
  );
}

// Off when the moderator turned Wagtail's keyboard shortcuts off.
const enabled = !document.querySelector("script[data-no-shortcuts]");

document.addEventListener("keydown", (event) => {
  if (!enabled) return;
  if (event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) return;
  const key = event.key;
  if (key === "j" || key === "k") {
    event.preventDefault();
    select(current + (key === "j" ? 1 : -1));
    return;
  }
  if (!["a", "r", "s"].includes(key)) return;
  const row = rows()[current];
  if (!row) return;
  event.preventDefault();
  if (key === "r") {
    const reject = row.querySelector("[data-desk-reject]");
    if (!reject) return;
    reject.open = true;
    reject.querySelector("[data-desk-reason]").focus();
    return;
  }
  const button = row.querySelector(
    `[data-desk-action="${key === "a" ? "approve" : "spam"}"]`,
  );
  if (button) button.click();
});

// A row clicked becomes the current one, so the keys act on it.
document.addEventListener("click", (event) => {
  const row = event.target.closest("[data-desk-row]");
  if (row) current = rows().indexOf(row);
});

const all = document.querySelector("[data-desk-select-all]");
if (all) {
  all.addEventListener("change", () => {
    document
      .querySelectorAll('input[name="comment"][form="desk-bulk"]')
      .forEach((box) => {
        box.checked = all.checked;
      });
  });
}
