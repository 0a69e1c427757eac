// Lodge dashboard: the live parts of the server-rendered pages. Every POST carries the session's anti-forgery token.
(() => {
  "use strict";
  const csrf = document.querySelector('meta[name="csrf"]').content;
  const progress = document.getElementById("progress");

  function show(line, cls) {
    if (!progress) return;
    progress.hidden = false;
    const span = document.createElement("div");
    if (cls) span.className = cls;
    span.textContent = line;
    progress.appendChild(span);
  }

  function ended(end) {
    if (end.exitCode === 0) { show("Done.", "ok"); return; }
    show("Error: " + (end.error || "lodge exited with code " + end.exitCode), "error");
    if (end.hint) show(end.hint, "hint");
  }

  async function post(url, body) {
    if (progress) progress.textContent = "";
    const response = await fetch(url, { method: "POST", headers: { "X-Lodge-Csrf": csrf }, body: body || new FormData(), credentials: "same-origin" });
    const json = await response.json().catch(() => ({}));
    if (response.status === 202 && json.id) {
      show("$ " + json.title);
      const events = new EventSource("/api/actions/" + json.id);
      events.addEventListener("line", e => show(e.data));
      events.addEventListener("end", e => { events.close(); ended(JSON.parse(e.data)); });
    } else if ("exitCode" in json) {
      ended(json);
    } else {
      show("Error: " + (json.error || response.statusText), "error");
      if (json.hint) show(json.hint, "hint");
    }
  }

  document.querySelectorAll("button[data-post]").forEach(b => b.addEventListener("click", () => {
    if (b.dataset.confirm && !window.confirm(b.dataset.confirm)) return;
    post(b.dataset.post);
  }));

  document.querySelectorAll("form[data-form]").forEach(f => f.addEventListener("submit", e => {
    e.preventDefault();
    const url = (e.submitter && e.submitter.getAttribute("formaction")) || f.dataset.form;
    post(url, new FormData(f));
  }));

  // Live state: lodge status --json, pushed whenever a guest's state changes.
  if (document.querySelector("[data-guest]")) {
    const events = new EventSource("/api/events");
    events.addEventListener("status", e => {
      const guests = new Map(JSON.parse(e.data).guests.map(g => [g.name, g]));
      document.querySelectorAll("section[data-guest]").forEach(card => {
        const g = guests.get(card.dataset.guest);
        const set = (field, text) => card.parentElement.querySelectorAll('[data-field="' + field + '"]').forEach(x => x.textContent = text);
        set("phase", g ? (g.runState && g.phase === "running" ? g.runState : g.phase) : "stopped");
        set("uptime", g ? new Date(g.uptimeSeconds * 1000).toISOString().substring(11, 19) : "");
        set("shares", g ? g.shares.join(", ") : "");
        set("connect", g ? g.connect.join(", ") : "");
        set("usb", g ? g.usb.join(", ") : "");
      });
    });
  }

  // The last 200 lines of the serial log, then every new line.
  const logs = document.getElementById("logs");
  if (logs) {
    const events = new EventSource("/api/guests/" + encodeURIComponent(logs.dataset.guest) + "/logs");
    events.addEventListener("line", e => {
      logs.textContent += e.data + "\n";
      const lines = logs.textContent.split("\n");
      if (lines.length > 400) logs.textContent = lines.slice(-300).join("\n");
      logs.scrollTop = logs.scrollHeight;
    });
  }

  // The serial console: xterm.js over a WebSocket bridged to the guest's serial socket.
  const consoleBox = document.getElementById("console");
  if (consoleBox && window.Terminal) {
    const term = new window.Terminal({ convertEol: false, fontSize: 13, rows: 20 });
    term.open(consoleBox);
    let socket = null;
    const connect = () => {
      const scheme = location.protocol === "https:" ? "wss://" : "ws://";
      socket = new WebSocket(scheme + location.host + "/api/guests/" + encodeURIComponent(consoleBox.dataset.guest) + "/console?csrf=" + encodeURIComponent(csrf));
      socket.binaryType = "arraybuffer";
      socket.onmessage = e => term.write(new Uint8Array(e.data));
      socket.onopen = () => consoleBox.dataset.connected = "true";
      socket.onclose = () => { consoleBox.dataset.connected = "false"; setTimeout(connect, 3000); };
    };
    term.onData(d => { if (socket && socket.readyState === 1) socket.send(new TextEncoder().encode(d)); });
    window.lodgeTerminal = term;
    connect();
  }
})();
