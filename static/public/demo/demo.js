// The demo shop's own script: a co-browse button, an event log and a tiny single-page app.
(function () {
  // The default visitor UI shows the terms, the session key, the agents and a stop
  // button; this page only offers the way in and logs what the visitor API reports.
  var cobrowse = window.GLANCE && GLANCE.Cobrowse;
  var log = document.getElementById("events");
  var EVENTS = [
    "sessionstarting", "sessionstart", "sessioncontinue", "statereceived", "sessionend",
    "agents", "connection", "blur", "focus", "rcrequested", "rc", "accessibility",
    "urlstartwarning", "error",
  ];

  function note(name, payload) {
    var item = document.createElement("li");
    item.className = "event";
    item.dataset.name = name;
    item.textContent = payload === undefined ? name : name + " " + JSON.stringify(payload);
    log.appendChild(item);
  }

  if (cobrowse && cobrowse.Visitor) {
    EVENTS.forEach(function (name) {
      cobrowse.Visitor.addEventListener(name, function (payload) { note(name, payload); });
    });
    document.getElementById("start").addEventListener("click", function () {
      if (cobrowse.VisitorUI) cobrowse.VisitorUI.showTerms({});
      else cobrowse.Visitor.startSession();
    });
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
