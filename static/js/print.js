// The press kit's "Print this page" button (kept out of the HTML so the CSP holds).
(function () {
  "use strict";
  var button = document.getElementById("print-page");
  if (button) button.addEventListener("click", function () { window.print(); });
})();
