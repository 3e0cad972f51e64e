// Keyboard shortcuts and evidence scrolling for the review page; plain JavaScript, no build step.
// Queue: j / k move the selection, Enter opens it. Record page: j / k next / previous record,
// a accepts and opens the next record of the queue, r puts the cursor in the rejection reason,
// u undoes the decision just made. Clicking a field scrolls to its evidence.
"use strict";

function typingInField(event) {
  const target = event.target;
  return target instanceof HTMLElement && (target.isContentEditable || ["INPUT", "SELECT", "TEXTAREA"].includes(target.tagName));
}

function showEvidence(field) {
  const marks = Array.from(document.querySelectorAll("mark.ev")).filter((mark) => mark.dataset.fields.split(" ").includes(field));
  if (marks.length === 0) return;
  document.querySelectorAll("mark.flash").forEach((mark) => mark.classList.remove("flash"));
  marks.forEach((mark) => mark.classList.add("flash"));
  marks[0].scrollIntoView({ behavior: "smooth", block: "center" });
}

function setUpQueue(rows) {
  let selected = -1;
  function select(index) {
    if (rows.length === 0) return;
    selected = Math.max(0, Math.min(rows.length - 1, index));
    rows.forEach((row, i) => row.classList.toggle("selected", i === selected));
    rows[selected].scrollIntoView({ block: "nearest" });
  }
  document.addEventListener("keydown", (event) => {
    if (typingInField(event) || event.ctrlKey || event.metaKey || event.altKey) return;
    if (event.key === "j") select(selected + 1);
    else if (event.key === "k") select(selected - 1);
    else if (event.key === "Enter" && selected >= 0) window.location.href = rows[selected].dataset.href;
  });
}

function press(id) {
  const button = document.getElementById(id);
  if (button && button.form) button.form.requestSubmit(button);
}

function setUpRecord() {
  document.querySelectorAll("[data-field]").forEach((element) => {
    element.addEventListener("click", () => showEvidence(element.dataset.field));
    element.addEventListener("keydown", (event) => { if (event.key === "Enter") showEvidence(element.dataset.field); });
  });
  document.addEventListener("keydown", (event) => {
    if (typingInField(event) || event.ctrlKey || event.metaKey || event.altKey) return;
    const follow = (id) => { const link = document.getElementById(id); if (link) window.location.href = link.href; };
    if (event.key === "j") follow("next-record");
    else if (event.key === "k") follow("previous-record");
    else if (event.key === "a") press("accept-next");
    else if (event.key === "u") press("undo-previous");
    else if (event.key === "r") { event.preventDefault(); document.getElementById("reject-reason").focus(); }
  });
}

document.addEventListener("DOMContentLoaded", () => {
  const rows = Array.from(document.querySelectorAll("tr.queue-row"));
  if (document.getElementById("queue")) setUpQueue(rows);
  if (document.getElementById("accept-form")) setUpRecord();
});
