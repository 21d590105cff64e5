// PRAP Tracker – warn before a staff session's idle time-out (WCAG 2.2.1 Timing Adjustable;
// the GOV.UK "timeout warning" pattern).
//
// The server ends a session after SESSION_IDLE_SECONDS without a request. Typing into a long
// form makes no request, so this opens the page's <dialog id="session-timeout"> (a native
// modal: focus moves into it and stays there, and screen readers announce its title and
// text) SESSION_WARNING_SECONDS before then, with a countdown. "Stay signed in" (or Escape)
// posts to the keep-alive address, which starts the idle clock again. If the time runs out,
// the dialog says so and that nothing typed is lost: a form sent after a time-out is kept
// on the server and given back after signing in again. Loaded as an external module (CSP).
const dialog = document.getElementById("session-timeout");

function spoken(seconds) {
  const minutes = Math.floor(seconds / 60);
  const rest = seconds % 60;
  const parts = [];
  if (minutes) parts.push(`${minutes} minute${minutes === 1 ? "" : "s"}`);
  if (rest || !minutes) parts.push(`${rest} second${rest === 1 ? "" : "s"}`);
  return parts.join(" ");
}

if (dialog && typeof dialog.showModal === "function") {
  const idle = Number(dialog.dataset.idleSeconds) * 1000;
  const warning = Number(dialog.dataset.warningSeconds) * 1000;
  const title = dialog.querySelector("#session-timeout-title");
  const countdown = dialog.querySelector(".prap-timeout__countdown");
  const stay = dialog.querySelector(".prap-timeout__stay");
  const close = dialog.querySelector(".prap-timeout__close");
  const warningText = dialog.querySelector(".prap-timeout__warning");
  const endedText = dialog.querySelector(".prap-timeout__ended");
  let endsAt = 0;
  let timers = [];

  const clear = () => {
    timers.forEach((timer) => clearTimeout(timer));
    timers = [];
  };
  const tick = () => {
    const left = Math.max(0, Math.round((endsAt - Date.now()) / 1000));
    countdown.textContent = spoken(left);
    if (left > 0) timers.push(setTimeout(tick, 1000));
  };
  const ended = () => {
    clear();
    title.textContent = title.dataset.endedText;
    warningText.hidden = true;
    endedText.hidden = false;
    stay.hidden = true;
    close.hidden = false;
    if (!dialog.open) dialog.showModal();
    close.focus();
  };
  const warn = () => {
    tick();
    dialog.showModal();
    timers.push(setTimeout(ended, Math.max(0, endsAt - Date.now())));
  };
  const schedule = () => {
    clear();
    endsAt = Date.now() + idle;
    timers.push(setTimeout(warn, Math.max(0, idle - warning)));
  };
  const stayed = async () => {
    try {
      const response = await fetch(stay.action, {
        method: "POST",
        body: new FormData(stay),
        credentials: "same-origin",
        redirect: "manual",
      });
      if (response.status !== 204) return ended();
    } catch {
      return ended();
    }
    dialog.close();
    schedule();
  };

  stay.addEventListener("submit", (event) => {
    event.preventDefault();
    stayed();
  });
  dialog.addEventListener("cancel", (event) => {
    // Escape means "stay", as in the GOV.UK pattern; once signed out it just closes.
    if (!stay.hidden) {
      event.preventDefault();
      stayed();
    }
  });
  close.addEventListener("click", () => dialog.close());
  schedule();
}
