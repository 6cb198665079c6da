/* Search in the static export (USB stick, file://): no server, no fetch. The page includes
   search-index/<lang>.js; text is folded like migrant_info/content/search.py does. */
(function () {
  "use strict";
  const index = window.SEARCH_INDEX;
  const form = document.querySelector("main .search-form");
  if (!index || !form) return;
  const fold = (text) => text.replace(/[\u200c\u200d\u00ad]/g, "").toLowerCase()
    .normalize("NFD").replace(/[\u0300-\u036f]/g, "").normalize("NFC")
    .replace(/[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]/g, "")
    .replace(/[أإآٱ]/g, "ا").replace(/ى/g, "ي").replace(/ة/g, "ه")
    .replace(/(^|[^\p{L}\p{N}\p{M}])(?:[وفبك]?ال|لل)(?=[\p{L}\p{M}]{2})/gu, "$1");
  const query = new URLSearchParams(location.search).get("q") || "";
  form.querySelector("input[name=q]").value = query;
  const terms = fold(query).split(/[^\p{L}\p{N}\p{M}]+/u).filter(Boolean);
  if (!terms.length) return;
  const hits = index.filter((page) => terms.every((term) => page.x.includes(term)));
  const list = document.createElement("ol");
  list.className = "results";
  for (const page of hits) {
    const item = document.createElement("li");
    const link = document.createElement("a");
    link.href = "../.." + page.u; // this page is <lang>/search/index.html
    link.textContent = page.t;
    const snippet = document.createElement("p");
    snippet.textContent = page.s;
    item.append(link, snippet);
    list.append(item);
  }
  const none = document.getElementById("no-results");
  if (hits.length) form.after(list);
  else if (none) none.hidden = false;
})();
