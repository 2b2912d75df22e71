// "Report" under a comment opens the report form in place, and sends it without
// leaving the page. Without this file the link opens the same form on a page.

const REPORT_FETCH = { "X-Requested-With": "fetch" };

function reportFragment(html) {
  const template = document.createElement("template");
  template.innerHTML = html.trim();
  return template.content;
}

async function openReport(link) {
  const comment = link.closest("[data-comment-id]");
  const open = comment.querySelector(":scope > [data-report-box]");
  if (open) {
    open.querySelector("input, textarea, button").focus();
    return;
  }
  const response = await fetch(link.href, { credentials: "same-origin", headers: REPORT_FETCH });
  if (!response.ok) {
    window.location.href = link.href;
    return;
  }
  const box = document.createElement("div");
  box.className = "report-box";
  box.dataset.reportBox = "";
  box.append(reportFragment(await response.text()));
  comment.querySelector(":scope > .comment__box").after(box);
  link.setAttribute("aria-expanded", "true");
  box.querySelector("input").focus();
  wireReport(box, link);
}

function wireReport(box, link) {
  const form = box.querySelector("[data-report-form]");
  const close = () => {
    box.remove();
    link.setAttribute("aria-expanded", "false");
    link.focus();
  };
  const cancel = form.querySelector("[data-report-cancel]");
  if (cancel) cancel.addEventListener("click", close);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const button = form.querySelector("[type=submit]");
    button.disabled = true;
    try {
      const response = await fetch(form.action, {
        method: "POST",
        body: new FormData(form),
        credentials: "same-origin",
        headers: REPORT_FETCH,
      });
      box.replaceChildren(reportFragment(await response.text()));
      if (response.ok) {
        link.remove();
        box.querySelector("[role=status]").focus();
      } else {
        wireReport(box, link);
        const alert = box.querySelector("[role=alert]");
        if (alert) alert.setAttribute("tabindex", "-1");
        (alert || box.querySelector("input")).focus();
      }
    } catch {
      button.disabled = false;
    }
  });
}

document.addEventListener("click", (event) => {
  const link = event.target.closest("a[data-report]");
  if (!link || event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey) {
    return;
  }
  event.preventDefault();
  openReport(link);
});
