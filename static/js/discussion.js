// The discussion without page reloads: post, reply, vote, sort, load more, and
// "new comments" while the page is open. Every action also works without this
// file, as a plain form or link; the server answers requests marked
// X-Requested-With: fetch with the same HTML fragments the page is made of.

const FETCH = { "X-Requested-With": "fetch" };

function fragment(html) {
  const template = document.createElement("template");
  template.innerHTML = html.trim();
  return template.content;
}

async function send(url, options = {}) {
  const response = await fetch(url, {
    credentials: "same-origin",
    ...options,
    headers: { ...FETCH, ...(options.headers || {}) },
  });
  return { response, html: await response.text() };
}

function setCount(section, count) {
  const heading = section.querySelector("[data-comment-count]");
  if (heading) heading.textContent = `${count} Comment${count === 1 ? "" : "s"}`;
}

function countFromHeading(section) {
  const heading = section.querySelector("[data-comment-count]");
  return parseInt(heading ? heading.textContent : "0", 10) || 0;
}

function listOf(section) {
  let list = section.querySelector("[data-comment-list]");
  if (!list) {
    list = document.createElement("ol");
    list.className = "comments";
    list.dataset.commentList = "";
    const empty = section.querySelector(".discussion__empty");
    if (empty) empty.replaceWith(list);
    else section.querySelector("[data-comment-form]").after(list);
  }
  return list;
}

function currentSort(section) {
  const active = section.querySelector("[data-sort][aria-current]");
  return active ? active.dataset.sort : "oldest";
}

// "passages" while only inline feedback (comments on passages) is shown, else "".
function currentFilter(section) {
  const active = section.querySelector("[data-filter][aria-current]");
  return active ? active.dataset.filter : "";
}

function listQuery(section, cursor) {
  const query = new URLSearchParams({ sort: currentSort(section) });
  const filter = currentFilter(section);
  if (filter) query.set("filter", filter);
  if (cursor) query.set("cursor", cursor);
  return query.toString();
}

// --- the form -------------------------------------------------------------------------
// Refusals come as a list of messages, each naming its field (data-field). A message
// about a field the reader can see goes right under it, and the field is marked
// invalid and described by it; the rest (the whole form, hidden fields) goes in the
// box above the form. Focus moves to the first field to fix.
function clearFieldErrors(form) {
  for (const field of form.querySelectorAll("[aria-invalid]")) {
    field.removeAttribute("aria-invalid");
    const note = form.querySelector(`[data-error-for="${field.id}"]`);
    if (note) {
      const rest = (field.getAttribute("aria-describedby") || "")
        .split(" ")
        .filter((id) => id && id !== note.id);
      if (rest.length) field.setAttribute("aria-describedby", rest.join(" "));
      else field.removeAttribute("aria-describedby");
      note.remove();
    }
    const wrapper = field.closest(".field");
    if (wrapper) wrapper.classList.remove("field--error");
  }
}

function showErrors(form, box, html) {
  const messages = fragment(html);
  for (const item of messages.querySelectorAll("[data-field]")) {
    const field = form.elements[item.dataset.field];
    if (!(field instanceof HTMLElement) || field.type === "hidden" || !field.id) continue;
    const note = document.createElement("p");
    note.className = "field__error";
    note.id = `${field.id}-error`;
    note.dataset.errorFor = field.id;
    note.textContent = item.textContent;
    field.after(note);
    field.setAttribute("aria-invalid", "true");
    const described = field.getAttribute("aria-describedby");
    field.setAttribute("aria-describedby", described ? `${note.id} ${described}` : note.id);
    const wrapper = field.closest(".field");
    if (wrapper) wrapper.classList.add("field--error");
    item.remove();
  }
  // What is left: messages about the whole form, or an answer that is no list.
  const left = messages.querySelector("ul")
    ? messages.querySelector("li")
    : messages.textContent.trim();
  if (left) {
    box.replaceChildren(messages);
    box.hidden = false;
  }
  const invalid = [...form.elements].find((field) => field.getAttribute("aria-invalid"));
  if (invalid) invalid.focus();
  else if (!box.hidden) box.focus();
}

function setUpForm(section) {
  const form = section.querySelector("[data-comment-form]");
  if (!form) return;
  const home = document.createComment("comment form");
  form.before(home);
  const parentField = form.querySelector("[data-parent-field]");
  const errors = form.querySelector("[data-form-errors]");
  const title = form.querySelector(".comment-form__title");
  const remember = form.querySelector("[data-remember]");
  const stored = JSON.parse(localStorage.getItem("tribune-guest") || "null");
  if (remember) {
    form.querySelector("[data-remember-field]").hidden = false;
    if (stored) {
      form.elements.name.value = stored.name || "";
      form.elements.email.value = stored.email || "";
      remember.checked = true;
    }
  }

  // A comment about a passage (see passages.js) goes back to being about the article.
  function forgetPassage() {
    for (const field of form.querySelectorAll("[data-passage-field]")) field.value = "";
    const box = form.querySelector("[data-passage-box]");
    if (box) box.hidden = true;
  }

  function reset() {
    parentField.value = "";
    forgetPassage();
    title.textContent = "Join the discussion";
    const cancel = form.querySelector("[data-cancel-reply]");
    if (cancel) cancel.remove();
    home.after(form);
  }

  section.addEventListener("click", (event) => {
    const link = event.target.closest("[data-reply-to]");
    if (!link) return;
    event.preventDefault();
    const comment = link.closest("[data-comment-id]");
    forgetPassage();
    parentField.value = link.dataset.replyTo;
    title.textContent = `Reply to ${link.dataset.replyName}`;
    if (!form.querySelector("[data-cancel-reply]")) {
      const cancel = document.createElement("button");
      cancel.type = "button";
      cancel.className = "button-secondary";
      cancel.dataset.cancelReply = "";
      cancel.textContent = "Cancel reply";
      cancel.addEventListener("click", reset);
      form.querySelector("[type=submit]").after(cancel);
    }
    comment.querySelector(".comment__box").after(form);
    form.elements.body.focus();
  });

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const button = form.querySelector("[type=submit]");
    button.disabled = true;
    errors.hidden = true;
    errors.replaceChildren();
    clearFieldErrors(form);
    const sent = new FormData(form);
    try {
      const { response, html } = await send(form.action, {
        method: "POST",
        body: sent,
      });
      // 201: published; 202: held for a moderator, shown to its author only.
      if (response.status === 201 || response.status === 202) {
        const held = response.status === 202;
        if (remember) {
          if (remember.checked) {
            localStorage.setItem(
              "tribune-guest",
              JSON.stringify({ name: form.elements.name.value, email: form.elements.email.value }),
            );
          } else {
            localStorage.removeItem("tribune-guest");
          }
        }
        const added = fragment(html).firstElementChild;
        const parentId = parentField.value;
        if (parentId) {
          const parent = document.getElementById(`comment-${parentId}`);
          let replies = parent.querySelector(":scope > .replies");
          if (!replies) {
            replies = document.createElement("ol");
            replies.className = "replies";
            parent.querySelector(":scope > .comment__box").after(replies);
          }
          replies.append(added);
        } else if (currentSort(section) === "newest") {
          listOf(section).prepend(added);
        } else {
          listOf(section).append(added);
        }
        if (!held) {
          setCount(section, countFromHeading(section) + 1);
          // passages.js marks the passage a new comment is about.
          section.dispatchEvent(new CustomEvent("comment:posted", { detail: { comment: added, sent } }));
        }
        form.elements.body.value = "";
        reset();
        added.scrollIntoView({ block: "center" });
        added.classList.add("comment--new");
      } else {
        showErrors(form, errors, html);
      }
    } catch {
      errors.textContent = "The comment could not be sent. Check your connection and try again.";
      errors.hidden = false;
      errors.focus();
    } finally {
      button.disabled = false;
    }
  });
}

// --- votes, sorting, paging ------------------------------------------------------------
function setUpVotes(section) {
  section.addEventListener("submit", async (event) => {
    const form = event.target.closest("[data-vote-form]");
    if (!form) return;
    event.preventDefault();
    votedHere.add(form.closest("[data-comment-id]").dataset.commentId);
    const data = new FormData(form);
    data.set("direction", event.submitter ? event.submitter.value : "up");
    const { response, html } = await send(form.action, { method: "POST", body: data });
    if (response.ok) {
      form.replaceWith(fragment(html));
    } else {
      const note = document.createElement("p");
      note.className = "field__error";
      note.setAttribute("role", "alert");
      note.replaceChildren(fragment(html));
      form.after(note);
      setTimeout(() => note.remove(), 5000);
    }
  });
}

// Pages are the same for every reader; which arrows this reader pressed is asked
// for separately, for the comments just put on screen. A vote cast meanwhile has
// the last word: its answer already shows the arrows as they are now.
const votedHere = new Set();

async function markMyVotes(section, nodes) {
  const ids = [];
  for (const node of nodes) {
    if (!(node instanceof Element)) continue;
    if (node.dataset.commentId) ids.push(node.dataset.commentId);
    for (const inner of node.querySelectorAll("[data-comment-id]")) {
      ids.push(inner.dataset.commentId);
    }
  }
  try {
    for (let start = 0; start < ids.length && start < 3000; start += 300) {
      const query = ids.slice(start, start + 300).join(",");
      const response = await fetch(`${section.dataset.myVotesUrl}?ids=${query}`, {
        credentials: "same-origin",
      });
      if (!response.ok) return;
      const { votes } = await response.json();
      for (const [id, value] of Object.entries(votes)) {
        if (votedHere.has(id)) continue;
        const form = section.querySelector(`#comment-${id} > article [data-vote-form]`);
        const button = form && form.querySelector(value === 1 ? "[value=up]" : "[value=down]");
        if (!button) continue;
        button.classList.add("is-active");
        button.setAttribute("aria-pressed", "true");
      }
    }
  } catch {
    // Offline for a moment: the arrows stay unmarked, votes still work.
  }
}

async function loadPage(section, url, { replace }) {
  const { response, html } = await send(url);
  if (!response.ok) return;
  const content = fragment(html);
  const next = content.querySelector("template[data-next-cursor]");
  if (next) next.remove();
  const list = listOf(section);
  const added = [...content.childNodes];
  if (replace) list.replaceChildren(content);
  else list.append(content);
  markMyVotes(section, added);
  let more = section.querySelector("[data-load-more]");
  if (next) {
    const query = listQuery(section, next.dataset.nextCursor);
    if (!more) {
      const holder = document.createElement("p");
      holder.className = "discussion__more";
      more = document.createElement("a");
      more.className = "button-secondary";
      more.textContent = "Load more comments";
      holder.append(more);
      list.after(holder);
    }
    more.dataset.loadMore = `${section.dataset.moreUrl}?${query}`;
    more.href = `?${query}#comments`;
  } else if (more) {
    more.closest("p").remove();
  }
  section.dispatchEvent(new CustomEvent("comments:loaded"));
}

function setUpPaging(section) {
  section.addEventListener("click", async (event) => {
    const more = event.target.closest("[data-load-more]");
    if (more) {
      event.preventDefault();
      await loadPage(section, more.dataset.loadMore, { replace: false });
      return;
    }
    const replies = event.target.closest("[data-more-replies]");
    if (replies) {
      event.preventDefault();
      const { response, html } = await send(replies.dataset.moreReplies);
      if (!response.ok) return;
      const conversation = fragment(html);
      const added = [...conversation.childNodes];
      replies.closest("[data-comment-id]").replaceWith(conversation);
      markMyVotes(section, added);
      return;
    }
    const sort = event.target.closest("[data-sort]");
    if (sort) {
      event.preventDefault();
      for (const link of section.querySelectorAll("[data-sort]")) {
        link.toggleAttribute("aria-current", link === sort);
        if (link === sort) link.setAttribute("aria-current", "true");
      }
      document.cookie = `tribune_sort=${sort.dataset.sort}; path=/; max-age=31536000; samesite=lax`;
      await loadPage(section, `${section.dataset.moreUrl}?${listQuery(section)}`, {
        replace: true,
      });
      return;
    }
    const filter = event.target.closest("[data-filter]");
    if (filter) {
      event.preventDefault();
      if (filter.hasAttribute("aria-current")) filter.removeAttribute("aria-current");
      else filter.setAttribute("aria-current", "true");
      await loadPage(section, `${section.dataset.moreUrl}?${listQuery(section)}`, {
        replace: true,
      });
    }
  });
}

// --- "N new comments" ----------------------------------------------------------------
function setUpPolling(section) {
  let etag = null;
  let seen = countFromHeading(section);
  const banner = section.querySelector("[data-new-comments]");
  const show = section.querySelector("[data-show-new]");
  async function poll() {
    if (document.hidden) return;
    try {
      const response = await fetch(section.dataset.pollUrl, {
        headers: etag ? { "If-None-Match": etag } : {},
        credentials: "same-origin",
      });
      if (response.status === 304 || !response.ok) return;
      etag = response.headers.get("ETag");
      const { count } = await response.json();
      const shown = countFromHeading(section);
      if (count > shown && count !== seen) {
        show.textContent = `${count - shown} new comment${count - shown === 1 ? "" : "s"} — show`;
        banner.hidden = false;
      }
      seen = count;
    } catch {
      // Offline for a moment: the next poll will tell.
    }
  }
  show.addEventListener("click", async () => {
    banner.hidden = true;
    await loadPage(section, `${section.dataset.moreUrl}?${listQuery(section)}`, {
      replace: true,
    });
    setCount(section, seen);
  });
  const seconds = parseInt(section.dataset.pollSeconds, 10) || 30;
  setInterval(poll, seconds * 1000);
}

for (const section of document.querySelectorAll("[data-discussion]")) {
  setUpForm(section);
  setUpVotes(section);
  setUpPaging(section);
  setUpPolling(section);
  markMyVotes(section, [section]);
}
