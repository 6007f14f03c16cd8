// "Link to this fact": without this script a plain link to the fact's anchor; with it, the
// click also copies the full address, and a page opened at a fact opens its evidence.
(function () {
  "use strict";

  function openTarget() {
    if (!location.hash) return;
    var target = document.getElementById(decodeURIComponent(location.hash.slice(1)));
    if (target && target.tagName === "DETAILS") target.open = true;
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest("a.fact-link");
    if (!link || !navigator.clipboard) return;
    var address = location.href.split("#")[0] + link.getAttribute("href");
    var status = link.parentNode.querySelector(".fact-link__status");
    navigator.clipboard.writeText(address).then(function () {
      if (status) status.textContent = " " + link.dataset.copied;
    }, function () {});
  });

  window.addEventListener("hashchange", openTarget);
  openTarget();
})();
