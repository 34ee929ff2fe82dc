// The report's print button (the page prints well without it: see buyer.css's print rules).
(function () {
  "use strict";
  const button = document.getElementById("print-report");
  if (button) { button.addEventListener("click", function () { window.print(); }); }
}());
