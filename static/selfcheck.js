/* Self-check on the phone: the answers never leave it. Shows the signs answered "yes". */
(function () {
  "use strict";
  const form = document.getElementById("self-check");
  const result = document.getElementById("check-result");
  if (!form || !result) return;
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    let count = 0;
    for (const item of result.querySelectorAll("[data-sign]")) {
      const yes = form.elements[item.dataset.sign].value === "yes";
      item.hidden = !yes;
      count += yes ? 1 : 0;
    }
    document.getElementById("no-signs").hidden = count > 0;
    document.getElementById("some-signs").hidden = count === 0;
    const link = document.getElementById("helplines-link");
    const country = form.elements.country.value;
    link.search = country ? "?country=" + encodeURIComponent(country) : "";
    result.hidden = false;
    result.scrollIntoView();
    result.querySelector("h2").focus({ preventScroll: true });
  });
})();
