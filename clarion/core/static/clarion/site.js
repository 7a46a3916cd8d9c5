// Progressive enhancement only: every page works without this file.
document.querySelectorAll("[data-copy]").forEach(function (button) {
  var input = document.querySelector(button.getAttribute("data-copy"));
  if (!input || !navigator.clipboard) return;
  button.hidden = false;
  button.addEventListener("click", function () {
    navigator.clipboard.writeText(input.value).then(function () {
      var label = button.textContent;
      button.textContent = button.getAttribute("data-done") || "Copied";
      setTimeout(function () { button.textContent = label; }, 2000);
    });
  });
});

// A shared link's ?source= tag goes into the sign form, so the organisers see which
// links bring signatures. The page itself is cached alike for every link.
(function () {
  var match = /[?&]source=([a-z0-9][a-z0-9_-]{0,31})(?:&|$)/.exec(window.location.search);
  if (!match) return;
  document.querySelectorAll("form.sign-form input[name=source]").forEach(function (input) {
    if (!input.value) input.value = match[1];
  });
})();

// While a new petition's title is typed, offer the open petitions like it (the page
// shows them after sending the form when this file does not run).
(function () {
  var box = document.querySelector("[data-similar-url]");
  if (!box || !window.fetch) return;
  var title = document.querySelector(box.getAttribute("data-for"));
  var list = box.querySelector(".similar-list");
  if (!title || !list) return;
  var timer = null;
  var asked = "";
  function show(results) {
    list.textContent = "";
    results.forEach(function (result) {
      var item = document.createElement("li");
      var link = document.createElement("a");
      link.href = result.url;
      link.textContent = result.title;
      var count = document.createElement("span");
      count.className = "small";
      count.textContent = " " + result.signatures_label;
      item.appendChild(link);
      item.appendChild(count);
      list.appendChild(item);
    });
    box.hidden = results.length === 0;
  }
  function ask() {
    var query = title.value.trim();
    if (query === asked) return;
    asked = query;
    if (query.length < 3) { show([]); return; }
    var url = box.getAttribute("data-similar-url") + "?q=" + encodeURIComponent(query);
    fetch(url, { headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : { results: [] }; })
      .then(function (data) { if (query === asked) show(data.results || []); })
      .catch(function () {});
  }
  title.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(ask, 350);
  });
})();

// A refused form comes back at its error summary (the address's fragment), which
// browsers focus as they scroll to it; one that only scrolls gets the focus here.
var summary = document.querySelector("[data-focus-on-load]");
if (summary && document.activeElement !== summary) {
  summary.focus();
}

// A petition page may come from a cache (a CDN keeps it for a minute): its count is
// brought up to date from the small count endpoint, now and while the page is open.
// The count shown never goes down: a signer who has just confirmed sees a count that
// includes them, which a cached answer may not yet.
(function () {
  var box = document.querySelector("[data-count-url]");
  if (!box || !window.fetch || !window.JSON) return;
  var number = box.querySelector(".count strong");
  var bar = box.querySelector("progress");
  var shown = parseInt(box.getAttribute("data-count"), 10) || 0;
  function refresh() {
    fetch(box.getAttribute("data-count-url"), { credentials: "omit" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (!data || typeof data.count !== "number" || data.count <= shown) return;
        shown = data.count;
        box.setAttribute("data-count", String(shown));
        if (number) {
          number.textContent = data.count_text;
          // The word after the number ("signatures"), singular or plural as it now is.
          var word = number.nextSibling;
          if (word && word.nodeType === 3) word.nodeValue = " " + data.label + " ";
        }
        if (bar) {
          bar.value = Math.min(data.count, data.goal);
          bar.textContent = data.percent + "%";
          bar.setAttribute("aria-label", data.progress_label);
        }
      })
      .catch(function () {});
  }
  refresh();
  setInterval(function () { if (!document.hidden) refresh(); }, 30000);
})();
