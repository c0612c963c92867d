() => {
  // Newsdesk page behaviour Gradio does not give (loaded by server.start as `js`):
  // 1. on a small screen the filters sidebar starts closed, so the chat is what one sees;
  // 2. a question the server never finished answering (it went away mid-answer) is not lost
  //    silently: the page says so and offers to ask it again.
  const PENDING = "newsdesk-pending-question";
  const RETRY = "newsdesk-retry-question";
  const POLL_MS = 2000;
  const PHONE = "(max-width: 768px)";

  const $ = (selector) => document.querySelector(selector);
  const question = () => $("#nd-question textarea");
  const turnsShown = () => $("#nd-sources [data-nd-turns]")?.getAttribute("data-nd-turns") || "";
  const read = (key) => {
    try { return JSON.parse(localStorage.getItem(key) || "null"); } catch { return null; }
  };

  function whenReady(test, then, tries = 100) {
    if (test()) then();
    else if (tries > 0) setTimeout(() => whenReady(test, then, tries - 1), 100);
  }

  // 1. Phones: close the sidebar once it is rendered.
  whenReady(() => $("#nd-sidebar .toggle-button"), () => {
    const sidebar = $("#nd-sidebar");
    if (window.matchMedia(PHONE).matches && sidebar.classList.contains("open")) {
      sidebar.querySelector(".toggle-button").click();
    }
  });

  // 2. Remember the question being asked until its answer (the sources panel's turn count)
  // arrives; the panel changes only when an answer finished or failed with a message.
  function remember(text) {
    text = (text || "").trim();
    if (text) {
      localStorage.setItem(PENDING, JSON.stringify({ q: text, turns: turnsShown(), lost: false }));
    }
  }
  document.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey && event.target === question()) {
      remember(event.target.value);
    }
  }, true);
  document.addEventListener("click", (event) => {
    if (event.target.closest("#nd-ask")) remember(question()?.value);
    const example = event.target.closest("#nd-chat button.example, #nd-chat .example");
    if (example) remember(example.innerText);
    if (event.target.closest("#nd-new")) localStorage.removeItem(PENDING);
  }, true);
  whenReady(() => $("#nd-sources"), () => {
    new MutationObserver(() => {
      const pending = read(PENDING);
      if (pending && !pending.lost && turnsShown() !== pending.turns) {
        localStorage.removeItem(PENDING);
      }
    }).observe($("#nd-sources"), { childList: true, subtree: true, attributes: true });
  });

  function showLost(pending, why) {
    $("#nd-lost")?.remove();
    const box = document.createElement("div");
    box.id = "nd-lost";
    box.setAttribute("role", "alert");
    const text = document.createElement("span");
    text.textContent = `${why} Your question “${pending.q}” was not answered.`;
    const again = document.createElement("button");
    again.textContent = "Ask it again";
    again.className = "nd-lost-again";
    again.onclick = () => {
      localStorage.setItem(RETRY, JSON.stringify({ q: pending.q }));
      localStorage.removeItem(PENDING);
      location.reload();  // a fresh page: the old one's session went with the server
    };
    const dismiss = document.createElement("button");
    dismiss.textContent = "Dismiss";
    dismiss.className = "nd-lost-dismiss";
    dismiss.onclick = () => { localStorage.removeItem(PENDING); box.remove(); };
    box.append(text, again, dismiss);
    const chat = $("#nd-chat");
    chat.parentElement.insertBefore(box, chat);
  }

  // A page opened while a question was pending: the last page lost it (a reload, a crash).
  const left = read(PENDING);
  if (left) {
    whenReady(() => $("#nd-chat"), () => showLost(left, "The page was reloaded while answering."));
  }

  // While a question is pending, check the server is there; when it comes back after going
  // away, the answer is gone with it.
  setInterval(async () => {
    const pending = read(PENDING);
    if (!pending) return;
    let up = true;
    try {
      const reply = await fetch("config", { cache: "no-store" });
      up = reply.ok;
    } catch { up = false; }
    if (!up && !pending.lost) {
      localStorage.setItem(PENDING, JSON.stringify({ ...pending, lost: true }));
    } else if (up && pending.lost && !$("#nd-lost")) {
      showLost(pending, "The server went away while answering and is back now.");
    }
  }, POLL_MS);

  // "Ask it again": put the question back and ask it.
  const retry = read(RETRY);
  if (retry) {
    localStorage.removeItem(RETRY);
    whenReady(() => question() && $("#nd-ask") && $("#nd-sources [data-nd-turns]"), () => {
      const box = question();
      const setter = Object.getOwnPropertyDescriptor(HTMLTextAreaElement.prototype, "value").set;
      setter.call(box, retry.q);
      box.dispatchEvent(new Event("input", { bubbles: true }));
      setTimeout(() => { remember(retry.q); $("#nd-ask").click(); }, 300);
    });
  }
}
