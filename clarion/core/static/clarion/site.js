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

// A refused form comes back at its error summary (the address's fragment), which
// browsers focus as they scroll to it; one that only scrolls gets the focus here.
var summary = document.querySelector("[data-focus-on-load]");
if (summary && document.activeElement !== summary) {
  summary.focus();
}
