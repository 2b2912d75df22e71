// Progressive enhancements for reader pages. Every feature works without this file;
// it only adds what needs a script, finding its elements by data-* attributes.

function enableCopyLinks(root = document) {
  if (!navigator.clipboard) return;
  for (const button of root.querySelectorAll("[data-copy-url]")) {
    const label = button.querySelector("[data-copy-label]");
    const original = label ? label.textContent : "";
    button.hidden = false;
    button.addEventListener("click", async () => {
      try {
        await navigator.clipboard.writeText(button.dataset.copyUrl);
        if (label) label.textContent = "Link copied";
      } catch {
        if (label) label.textContent = "Press Ctrl+C to copy";
        window.prompt("Copy this link:", button.dataset.copyUrl);
      }
      setTimeout(() => { if (label) label.textContent = original; }, 2500);
    });
  }
}

enableCopyLinks();
