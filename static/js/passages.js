// Comments on a passage of the article. A reader selects words in one paragraph
// (mouse, keyboard or touch), presses "Comment on this passage", and the comment
// form below the article opens with the words quoted; the passage's fields go with
// the comment. The server has already marked commented passages in the body
// (<mark data-passage-id> and a count link); activating a count shows the comments
// about that passage; the marker of an editors' question also opens the form to
// answer it. A reader's new comment marks its passage at once. Stored text is only
// ever put on the page as text nodes.

const BODY = "[data-article-body]";
const COUNT = "[data-passage-open]";
const CONTEXT = 32;
const MAX_EXACT = 500;
// The blocks of running text a passage can be in (the server says the same).
const TEXT_BLOCKS = ".block--paragraph[data-block-id], .block--quote[data-block-id]";

// The block's text as the server has it: every text node except the counts the
// server put after marked passages.
function textNodes(block) {
  const walker = document.createTreeWalker(block, NodeFilter.SHOW_TEXT, {
    acceptNode: (node) =>
      node.parentElement.closest(COUNT) ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT,
  });
  const nodes = [];
  while (walker.nextNode()) nodes.push(walker.currentNode);
  return nodes;
}

// Where a DOM position (container, offset) falls in the block's text.
function textOffset(block, nodes, container, offset) {
  const probe = document.createRange();
  probe.setStart(container, offset);
  let position = 0;
  for (const node of nodes) {
    if (node === container) return position + offset;
    // A text node wholly before the position counts in full.
    if (probe.comparePoint(node, node.data.length) <= 0) position += node.data.length;
    else break;
  }
  return position;
}

function selectionInBlock() {
  const selection = window.getSelection();
  if (!selection || selection.isCollapsed || !selection.rangeCount) return null;
  const range = selection.getRangeAt(0);
  const start = range.startContainer.parentElement || range.startContainer;
  const block = start.closest && start.closest(TEXT_BLOCKS);
  if (!block || !block.contains(range.endContainer) || !block.closest(BODY)) return null;
  const nodes = textNodes(block);
  const text = nodes.map((node) => node.data).join("");
  let from = textOffset(block, nodes, range.startContainer, range.startOffset);
  let to = textOffset(block, nodes, range.endContainer, range.endOffset);
  // A double click takes the space after a word too: not part of the passage.
  while (from < to && /\s/.test(text[from])) from += 1;
  while (to > from && /\s/.test(text[to - 1])) to -= 1;
  if (to <= from) return null;
  return {
    block,
    exact: text.slice(from, to),
    prefix: text.slice(Math.max(0, from - CONTEXT), from),
    suffix: text.slice(to, to + CONTEXT),
    block_id: block.dataset.blockId,
    offset: from,
    rect: range.getBoundingClientRect(),
  };
}

function setUp(body, section) {
  const form = section.querySelector("[data-comment-form]");
  if (!form) return; // closed: passages are still shown, not commented on
  const fields = {
    exact: form.elements.passage_exact,
    prefix: form.elements.passage_prefix,
    suffix: form.elements.passage_suffix,
    block_id: form.elements.passage_block,
    offset: form.elements.passage_offset,
    id: form.elements.passage_id,
  };
  const box = form.querySelector("[data-passage-box]");
  const quote = box.querySelector("[data-passage-words]");

  const button = document.createElement("button");
  button.type = "button";
  button.className = "passage-button";
  button.dataset.passageButton = "";
  button.textContent = "Comment on this passage";
  button.hidden = true;
  let chosen = null;

  function place() {
    const found = selectionInBlock();
    if (!found || found.exact.length > MAX_EXACT) {
      if (document.activeElement !== button) button.hidden = true;
      return;
    }
    chosen = found;
    // In the page's order right after the block, so Tab reaches it next (moved
    // only when needed: a button moved while pressed is never clicked).
    if (button.previousElementSibling !== found.block) found.block.after(button);
    const box = found.block.offsetParent
      ? found.block.offsetParent.getBoundingClientRect()
      : { top: 0, left: 0 };
    button.style.top = `${found.rect.bottom - box.top + 6}px`;
    button.style.left = `${Math.max(0, found.rect.left - box.left)}px`;
    button.hidden = false;
  }

  // A selection made from the keyboard: the next Tab goes to the button (the
  // browser's own Tab would start from wherever focus last was), and screen
  // readers hear that it is there.
  const hint = document.createElement("p");
  hint.className = "visually-hidden";
  hint.setAttribute("aria-live", "polite");
  body.after(hint);
  document.addEventListener("keydown", (event) => {
    if (event.key !== "Tab" || event.shiftKey || button.hidden || !chosen) return;
    const active = document.activeElement;
    if (active === button || (active && active !== document.body && !body.contains(active))) return;
    event.preventDefault();
    button.focus();
  });
  const shown = () => {
    hint.textContent = button.hidden ? "" : "Words selected. Press Tab to comment on this passage.";
  };
  new MutationObserver(shown).observe(button, { attributes: true, attributeFilter: ["hidden"] });

  let timer = null;
  document.addEventListener("selectionchange", () => {
    clearTimeout(timer);
    timer = setTimeout(place, 150);
  });
  body.addEventListener("mouseup", (event) => {
    if (event.target !== button) place();
  });
  body.addEventListener("touchend", () => setTimeout(place, 50));

  function quoteInForm(words, question = "") {
    quote.textContent = words;
    box.querySelector("[data-passage-question]").textContent = question;
    box.querySelector("[data-passage-question-box]").hidden = !question;
    box.querySelector("[data-passage-label]").textContent = question
      ? "About this passage:"
      : "You are commenting on this passage:";
    box.hidden = false;
    form.querySelector(".comment-form__title").textContent = question
      ? "Answer the editors' question"
      : "Comment on a passage";
    form.scrollIntoView({ block: "start" });
    form.elements.body.focus();
  }

  // The editors' question at a marker: the form answers it, under the question.
  function answer(id, question) {
    for (const name of ["exact", "prefix", "suffix", "block_id", "offset"]) fields[name].value = "";
    fields.id.value = id;
    const words = [...body.querySelectorAll(`mark[data-passage-id="${id}"]`)]
      .map((mark) => mark.textContent)
      .join("");
    quoteInForm(words, question);
  }

  button.addEventListener("click", () => {
    if (!chosen) return;
    for (const name of ["exact", "prefix", "suffix", "block_id", "offset"]) {
      fields[name].value = chosen[name];
    }
    fields.id.value = "";
    button.hidden = true;
    quoteInForm(chosen.exact);
  });

  box.querySelector("[data-passage-cancel]").addEventListener("click", () => {
    clearPassage(form);
    form.elements.body.focus();
  });

  // A count in the body: show the comments about that passage.
  body.addEventListener("click", async (event) => {
    const count = event.target.closest(COUNT);
    if (!count) return;
    event.preventDefault();
    const id = count.dataset.passageOpen;
    const filter = section.querySelector("[data-filter]");
    if (filter && !filter.hasAttribute("aria-current")) {
      // The discussion's script loads the inline feedback in place of the list.
      const loaded = new Promise((resolve) => {
        section.addEventListener("comments:loaded", resolve, { once: true });
        setTimeout(resolve, 5000);
      });
      filter.click();
      await loaded;
    }
    const quotes = [...section.querySelectorAll(`[data-passage-quote="${id}"]`)];
    for (const mark of document.querySelectorAll("mark.passage--active")) {
      mark.classList.remove("passage--active");
    }
    for (const mark of body.querySelectorAll(`mark[data-passage-id="${id}"]`)) {
      mark.classList.add("passage--active");
    }
    for (const comment of section.querySelectorAll(".comment--passage")) {
      comment.classList.remove("comment--passage");
    }
    const comments = quotes.map((q) => q.closest("[data-comment-id]"));
    for (const comment of comments) comment.classList.add("comment--passage");
    if (count.dataset.question) {
      answer(id, count.dataset.question);
    } else if (comments.length) {
      const first = comments[0].querySelector(".comment__box");
      first.tabIndex = -1;
      first.scrollIntoView({ block: "start" });
      first.focus({ preventScroll: true });
    } else {
      window.location.hash = "comments";
    }
  });
}

// The words of a reader's new passage comment, marked as the server marks them:
// the block's text nodes split at the passage's edges and each piece wrapped.
function markNewPassage(body, id, blockId, from, to) {
  const block = body.querySelector(`[data-block-id="${CSS.escape(blockId)}"]`);
  if (!block || body.querySelector(`mark[data-passage-id="${id}"]`)) return;
  let position = 0;
  let last = null;
  for (const node of textNodes(block)) {
    const start = position;
    position += node.data.length;
    if (position <= from || start >= to) continue;
    let piece = node;
    if (from > start) piece = piece.splitText(from - start);
    if (to < position) piece.splitText(to - Math.max(from, start));
    const mark = document.createElement("mark");
    mark.className = "passage";
    mark.dataset.passageId = id;
    if (!last) mark.id = `passage-${id}`;
    piece.replaceWith(mark);
    mark.append(piece);
    last = mark;
  }
  if (!last) return;
  const count = document.createElement("a");
  count.className = "passage__count";
  count.href = `?passage=${id}#comments`;
  count.dataset.passageOpen = id;
  count.textContent = "0";
  const link = last.closest("a");
  (link && block.contains(link) ? link : last).after(count);
}

// A new comment on a passage: its count goes up, and a reader's new passage is marked.
function countNewComment(body, detail) {
  const quote = detail.comment.querySelector("[data-passage-quote]");
  if (!quote) return;
  const id = quote.dataset.passageQuote;
  const sent = detail.sent;
  const listed = document.querySelector("[data-filter-count]");
  if (listed) listed.textContent = `(${Number(listed.textContent.replace(/\D/g, "")) + 1})`;
  if (sent.get("passage_block")) {
    const from = Number(sent.get("passage_offset"));
    markNewPassage(body, id, sent.get("passage_block"), from, from + sent.get("passage_exact").length);
  }
  const count = body.querySelector(`[data-passage-open="${id}"]`);
  if (!count) return;
  const question = count.dataset.question;
  const label = count.lastChild;
  const n = Number(label.textContent.trim()) + 1;
  const s = n === 1 ? "" : "s";
  label.textContent = String(n);
  count.setAttribute(
    "aria-label",
    question
      ? `${n} answer${s} to the editors' question: ${question}`
      : `${n} comment${s} on this passage`,
  );
}

function clearPassage(form) {
  for (const name of [
    "passage_exact",
    "passage_prefix",
    "passage_suffix",
    "passage_block",
    "passage_offset",
    "passage_id",
  ]) {
    form.elements[name].value = "";
  }
  const box = form.querySelector("[data-passage-box]");
  box.hidden = true;
  box.querySelector("[data-passage-words]").textContent = "";
  box.querySelector("[data-passage-question-box]").hidden = true;
  form.querySelector(".comment-form__title").textContent = "Join the discussion";
}

const body = document.querySelector(BODY);
const section = document.querySelector("[data-discussion]");
if (body && section) {
  setUp(body, section);
  section.addEventListener("comment:posted", (event) => countNewComment(body, event.detail));
}
