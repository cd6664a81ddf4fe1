// The demo shop's own script: a co-browse button, an event log and a tiny single-page app.
(function () {
  var visitor = window.GLANCE && GLANCE.Cobrowse && GLANCE.Cobrowse.Visitor;
  var log = document.getElementById("events");
  var start = document.getElementById("start");
  var stop = document.getElementById("stop");
  var keyBox = document.getElementById("session-key");
  var agentBox = document.getElementById("agent-count");

  function note(name, payload) {
    var item = document.createElement("li");
    item.className = "event";
    item.dataset.name = name;
    item.textContent = payload === undefined ? name : name + " " + JSON.stringify(payload);
    log.appendChild(item);
  }

  if (visitor) {
    ["sessionstarting", "sessionstart", "sessionend", "agents", "error"].forEach(function (name) {
      visitor.addEventListener(name, function (payload) {
        note(name, payload);
        if (name === "sessionstart") {
          keyBox.textContent = visitor.getKey();
          start.hidden = true;
          stop.hidden = false;
        } else if (name === "sessionend" || name === "error") {
          keyBox.textContent = "—";
          agentBox.textContent = "0";
          start.hidden = false;
          stop.hidden = true;
        } else if (name === "agents") {
          agentBox.textContent = String(payload.count);
        }
      });
    });
    start.addEventListener("click", function () { visitor.startSession(); });
    stop.addEventListener("click", function () { visitor.stopSession(); });
  }

  var addNote = document.getElementById("add-note");
  if (addNote) {
    addNote.addEventListener("click", function () {
      var question = document.getElementById("question");
      var item = document.createElement("li");
      item.textContent = question.value || "A notebook";
      document.getElementById("wishlist").appendChild(item);
    });
  }

  var tabs = document.getElementById("tabs");
  var copy = {
    notebooks: ["Notebooks", "Hand-bound notebooks, made in small batches."],
    pens: ["Pens", "Fountain pens and the inks that suit them."],
  };
  function show(tab) {
    var panel = document.getElementById("panel");
    panel.dataset.tab = tab;
    panel.querySelector("h1").textContent = copy[tab][0];
    panel.querySelector(".lead").textContent = copy[tab][1];
  }
  if (tabs) {
    tabs.addEventListener("click", function (event) {
      var link = event.target.closest("a[data-tab]");
      if (!link) return;
      event.preventDefault();
      history.pushState({ tab: link.dataset.tab }, "", link.href);
      show(link.dataset.tab);
    });
    window.addEventListener("popstate", function () {
      show((history.state && history.state.tab) || "notebooks");
    });
  }
})();
