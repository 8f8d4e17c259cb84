/* Monitoring console: live alarms over server-sent events. No dependencies, no inline
   script (strict CSP). Without JavaScript the console still works: reload shows new alarms.
   The browser reconnects by itself and sends Last-Event-ID, so nothing is missed. */
(function () {
  "use strict";
  var list = document.getElementById("alarm-list");
  if (!list || !window.EventSource) { return; }
  var status = document.getElementById("live-status");
  var announcer = document.getElementById("alarm-announcer");
  var empty = document.getElementById("alarm-empty");

  function setStatus(live) {
    status.textContent = status.getAttribute(live ? "data-live" : "data-lost");
    status.className = "live-status live-status--" + (live ? "live" : "lost");
  }

  function place(row) {
    var sort = row.getAttribute("data-sort");
    var next = null;
    for (var i = 0; i < list.children.length; i++) {
      if (list.children[i].getAttribute("data-sort") > sort) { next = list.children[i]; break; }
    }
    list.insertBefore(row, next);
  }

  function upsert(data) {
    var old = document.getElementById("alarm-" + data.id);
    var typing = old && old.contains(document.activeElement);
    var note = old ? old.querySelector("textarea").value : "";
    if (old) { old.remove(); }
    if (!data.closed) {
      var holder = document.createElement("template");
      holder.innerHTML = data.html.trim();
      var row = holder.content.firstElementChild;
      row.querySelector("textarea").value = note;  // keep what the operator is writing
      place(row);
      if (typing) { row.querySelector("textarea").focus(); }
    }
    empty.hidden = list.children.length > 0;
    if (data.announce) { announcer.textContent = data.announce; }
  }

  var source = new EventSource(list.getAttribute("data-stream"));
  source.addEventListener("open", function () { setStatus(true); });
  source.addEventListener("error", function () { setStatus(false); });
  source.addEventListener("alarm", function (event) { upsert(JSON.parse(event.data)); });

  /* Ages count on between updates ("45 s", "3 min": the same in Dutch and English). */
  window.setInterval(function () {
    var now = Date.now();
    var ages = list.querySelectorAll("[data-raised]");
    for (var i = 0; i < ages.length; i++) {
      var seconds = Math.max(0, Math.floor((now - Number(ages[i].getAttribute("data-raised"))) / 1000));
      ages[i].textContent = seconds < 60 ? seconds + " s" : Math.floor(seconds / 60) + " min";
    }
  }, 5000);
})();
