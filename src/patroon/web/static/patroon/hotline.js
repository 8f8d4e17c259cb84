/* Hotline pages: quick exit, proof of work, live chat. No dependencies, no inline script
   (strict CSP). Without JavaScript every page still works: the exit button is a link and
   messages are sent with the form. */
(function () {
  "use strict";

  /* Quick exit: replace this page in the history with a neutral site. */
  var exitUrl = document.body.getAttribute("data-exit-url");
  function leave(event) {
    if (event) { event.preventDefault(); }
    document.title = "";
    document.body.textContent = "";
    window.location.replace(exitUrl);
  }
  var button = document.getElementById("quick-exit");
  if (button && exitUrl) { button.addEventListener("click", leave); }
  var lastEscape = 0;
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape" || !exitUrl) { return; }
    var now = Date.now();
    if (now - lastEscape < 800) { leave(event); }
    lastEscape = now;
  });

  /* Proof of work: find a number whose SHA-256 with the challenge starts with N zero bits. */
  var form = document.getElementById("report-form");
  if (form && form.getAttribute("data-pow-bits") && window.crypto && window.crypto.subtle) {
    var bits = parseInt(form.getAttribute("data-pow-bits"), 10);
    var challenge = form.getAttribute("data-pow-challenge");
    var solved = false;
    var zeroBits = function (bytes) {
      var count = 0;
      for (var i = 0; i < bytes.length; i++) {
        if (bytes[i] === 0) { count += 8; continue; }
        for (var b = 7; b >= 0; b--) { if (bytes[i] & (1 << b)) { return count; } count++; }
      }
      return count;
    };
    var solve = async function () {
      var encoder = new TextEncoder();
      for (var n = 0; ; n++) {
        var digest = await crypto.subtle.digest("SHA-256", encoder.encode(challenge + ":" + n));
        if (zeroBits(new Uint8Array(digest)) >= bits) { return String(n); }
      }
    };
    form.addEventListener("submit", function (event) {
      if (solved) { return; }
      event.preventDefault();
      solve().then(function (answer) {
        form.querySelector("input[name=pow_answer]").value = answer;
        solved = true;
        form.submit();
      });
    });
  }

  /* Live chat over WebSocket, with the form as fallback. Every message carries an id made
     here; after a dropped connection the unacknowledged ones are sent again with the same id
     and the server stores them once. The server replays what we have not seen yet. */
  var box = document.querySelector(".hotline-thread[data-token], .hotline-thread[data-conversation]");
  if (!box || !window.WebSocket) { return; }
  var token = box.getAttribute("data-token");
  var conversation = box.getAttribute("data-conversation");  // an operator's page
  var mine = conversation ? "operator" : "reporter";
  var lastSeq = parseInt(box.getAttribute("data-last-seq") || "0", 10);
  var list = document.getElementById("messages");
  var status = document.getElementById("chat-status");
  var threadForm = document.getElementById("thread-form");
  var textarea = threadForm ? threadForm.querySelector("textarea") : null;
  var pending = {};  // client_id -> text, until acknowledged
  var socket = null;
  var ready = false;
  var delay = 1000;

  function newId() {
    var bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }

  function show(seq, author, body) {
    if (seq <= lastSeq) { return; }
    lastSeq = seq;
    var item = document.createElement("li");
    item.className = "hotline-message hotline-message--" + author;
    item.setAttribute("data-seq", String(seq));
    var who = document.createElement("p");
    who.className = "hotline-message__who";
    who.textContent = author === mine ? box.getAttribute("data-you") : box.getAttribute("data-other");
    var text = document.createElement("p");
    text.className = "hotline-message__body";
    text.textContent = body;
    item.appendChild(who);
    item.appendChild(text);
    list.appendChild(item);
  }

  function send(clientId) {
    if (socket && ready) {
      socket.send(JSON.stringify({ type: "message", client_id: clientId, body: pending[clientId] }));
    }
  }

  function connect() {
    var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
    socket = new WebSocket(scheme + window.location.host + "/ws/hotline/");
    socket.addEventListener("open", function () {
      var hello = conversation ? { type: "hello", conversation: conversation } : { type: "hello", token: token };
      hello.last_seq = lastSeq;
      socket.send(JSON.stringify(hello));
    });
    socket.addEventListener("message", function (event) {
      var data = JSON.parse(event.data);
      if (data.type === "ready") {
        ready = true;
        delay = 1000;
        status.textContent = box.getAttribute("data-connected");
        box.classList.add("hotline-thread--live");
        Object.keys(pending).forEach(send);
      } else if (data.type === "message") {
        show(data.seq, data.author, data.body);
      } else if (data.type === "call_112") {
        var template = document.getElementById("call-112-template");
        if (template && !document.getElementById("call-112")) {
          var main = document.getElementById("main");
          main.insertBefore(template.content.cloneNode(true), main.firstChild);
          document.getElementById("call-112").focus();
        }
      } else if (data.type === "ack") {
        delete pending[data.client_id];
      }
    });
    socket.addEventListener("close", function () {
      var wasReady = ready;
      ready = false;
      box.classList.remove("hotline-thread--live");
      if (wasReady || Object.keys(pending).length) { status.textContent = box.getAttribute("data-offline"); }
      setTimeout(connect, delay);
      delay = Math.min(delay * 2, 15000);
    });
  }

  if (threadForm) {
    threadForm.addEventListener("submit", function (event) {
      if (!ready) { return; }  // no live connection: the form posts as usual
      event.preventDefault();
      var text = textarea.value.trim();
      if (!text) { return; }
      var clientId = newId();
      pending[clientId] = text;
      textarea.value = "";
      send(clientId);
    });
  }
  connect();
})();
