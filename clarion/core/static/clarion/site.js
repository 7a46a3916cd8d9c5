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
