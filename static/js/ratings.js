// The article's rating without page reloads. The form works without this file
// (a plain POST and a redirect); with it, the form talks to the JSON API and the
// average, the number of votes and the spread of stars are redrawn in place.
// Pages are the same for every reader, so the reader's own rating is asked for
// separately, from an answer that is never cached.

const STAR_WIDTH = 24; // one star in the drawing of the average

function plural(n, word) {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

function draw(section, { count, distribution }) {
  const total = [1, 2, 3, 4, 5].reduce((sum, n) => sum + n * distribution[n], 0);
  const average = count ? total / count : 0;
  section
    .querySelector("[data-rating-summary]")
    .classList.toggle("rating__summary--empty", count === 0);
  section.querySelector("[data-rating-average]").textContent = count
    ? average.toFixed(1)
    : "No ratings yet";
  section.querySelector("[data-rating-scale]").hidden = count === 0;
  section.querySelector("[data-rating-count]").textContent = count
    ? plural(count, "vote")
    : "Be the first to rate this article.";
  section
    .querySelector("[data-rating-fill]")
    .setAttribute("width", (Math.round(average * STAR_WIDTH * 10) / 10).toString());
  section.querySelector("[data-rating-bars]").hidden = count === 0;
  for (let n = 1; n <= 5; n += 1) {
    const votes = distribution[n];
    const percent = count ? Math.round((100 * votes) / count) : 0;
    section.querySelector(`[data-bar-fill="${n}"]`).setAttribute("width", percent);
    const number = section.querySelector(`[data-bar-count="${n}"]`);
    number.textContent = votes;
    number.nextElementSibling.textContent = ` vote${votes === 1 ? "" : "s"}`;
  }
}

function showMine(form, mine) {
  for (const radio of form.querySelectorAll("[name=stars]")) {
    radio.checked = Number(radio.value) === mine;
  }
  form.querySelector("[data-rating-remove]").hidden = !mine;
}

function say(form, text, { error = false } = {}) {
  const status = form.querySelector("[data-rating-status]");
  status.textContent = text;
  status.classList.toggle("rating__status--error", error);
}

function cookie(name) {
  const match = document.cookie.match(new RegExp(`(?:^|;\\s*)${name}=([^;]*)`));
  return match ? decodeURIComponent(match[1]) : "";
}

async function csrfToken(section) {
  const token = cookie("csrftoken");
  if (token) return token;
  const response = await fetch(section.dataset.csrfUrl, { credentials: "same-origin" });
  return (await response.json()).csrf_token;
}

function setUp(section) {
  const form = section.querySelector("[data-rating-form]");
  if (!form) return; // the article's own author sees no form
  const url = section.dataset.apiUrl;
  let sent = false; // once the reader has rated here, a late first answer is stale
  let chosen = false; // stars the reader picked before it came are kept
  form.addEventListener("change", () => {
    chosen = true;
  });

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const removing = event.submitter && event.submitter.value === "remove";
    const choice = form.querySelector("[name=stars]:checked");
    if (!removing && !choice) {
      say(form, "Choose from 1 to 5 stars first.", { error: true });
      form.querySelector("[name=stars]").focus();
      return;
    }
    const buttons = form.querySelectorAll("button");
    for (const button of buttons) button.disabled = true;
    sent = true;
    try {
      const response = await fetch(url, {
        method: removing ? "DELETE" : "PUT",
        credentials: "same-origin",
        headers: {
          "Content-Type": "application/json",
          "X-CSRFToken": await csrfToken(section),
        },
        body: removing ? undefined : JSON.stringify({ stars: Number(choice.value) }),
      });
      const answer = await response.json();
      if (!response.ok) {
        const detail = typeof answer.detail === "string" ? answer.detail : "";
        say(form, detail || "Your rating could not be saved.", { error: true });
        return;
      }
      draw(section, answer);
      showMine(form, answer.mine);
      if (removing) {
        say(form, "Your rating was removed.");
        form.querySelector("[name=stars]").focus();
      } else {
        say(form, `Thank you: you gave this article ${plural(answer.mine, "star")}.`);
      }
    } catch {
      say(form, "Your rating could not be sent. Check your connection and try again.", {
        error: true,
      });
    } finally {
      for (const button of buttons) button.disabled = false;
    }
  });

  // The reader's own rating, and the latest counts.
  fetch(url, { credentials: "same-origin" })
    .then((response) => (response.ok ? response.json() : null))
    .then((answer) => {
      if (!answer || sent) return;
      draw(section, answer);
      if (chosen) {
        form.querySelector("[data-rating-remove]").hidden = !answer.mine;
      } else {
        showMine(form, answer.mine);
      }
      if (answer.mine) say(form, `You gave this article ${plural(answer.mine, "star")}.`);
    })
    .catch(() => {
      // Offline for a moment: the form still works, the stars stay unmarked.
    });
}

for (const section of document.querySelectorAll("[data-rating]")) setUp(section);
