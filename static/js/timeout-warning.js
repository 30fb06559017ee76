// The GOV.UK timeout warning: counts the session's idle time from this page's load, warns two
// minutes before the server ends it, and "Stay signed in" starts the server's count again.
const dialog = document.getElementById("timeout-warning");

function minutesAndSeconds(seconds) {
  if (seconds >= 60) {
    const minutes = Math.ceil(seconds / 60);
    return `${minutes} minute${minutes === 1 ? "" : "s"}`;
  }
  return `${seconds} second${seconds === 1 ? "" : "s"}`;
}

function startTimeoutWarning(dialog) {
  const idle = Number(dialog.dataset.idleSeconds);
  const warnBefore = Number(dialog.dataset.warnSeconds);
  const countdown = dialog.querySelector(".ecdop-timeout-countdown");
  const stay = dialog.querySelector(".ecdop-timeout-stay");
  let endsAt = 0;
  let warnTimer = 0;
  let tickTimer = 0;

  function restart() {
    endsAt = Date.now() + idle * 1000;
    clearTimeout(warnTimer);
    clearInterval(tickTimer);
    warnTimer = setTimeout(warn, Math.max(0, (idle - warnBefore) * 1000));
  }

  function tick() {
    const left = Math.max(0, Math.round((endsAt - Date.now()) / 1000));
    countdown.textContent = minutesAndSeconds(left);
    if (left === 0) {
      window.location.href = dialog.dataset.signedOutUrl;
    }
  }

  function warn() {
    tick();
    if (!dialog.open) dialog.showModal();
    tickTimer = setInterval(tick, 1000);
  }

  stay.addEventListener("click", async () => {
    const body = new FormData();
    body.append("csrf_token", stay.dataset.csrfToken);
    const answer = await fetch(dialog.dataset.keepAliveUrl, { method: "POST", body, credentials: "same-origin" });
    if (!answer.ok) {
      window.location.href = dialog.dataset.signedOutUrl;
      return;
    }
    dialog.close();
    restart();
  });
  // Escape closes a dialog; here it means the same as "Stay signed in".
  dialog.addEventListener("cancel", (event) => {
    event.preventDefault();
    stay.click();
  });
  restart();
}

if (dialog) startTimeoutWarning(dialog);
