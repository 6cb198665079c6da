/* Remittance calculator on the phone: same arithmetic as migrant_info/remittance.py, in exact
   fixed-point (BigInt), so results match the server to the cent. Nothing leaves the page. */
(function () {
  "use strict";
  const SCALE = 10n ** 12n;
  const toFixed = (text) => {
    const match = /^(-?)(\d*)(?:\.(\d*))?$/.exec(text);
    if (!match || (match[2] + (match[3] || "")) === "") return null;
    const frac = ((match[3] || "") + "000000000000").slice(0, 12);
    const value = BigInt(match[2] || "0") * SCALE + BigInt(frac);
    return match[1] ? -value : value;
  };
  const mul = (a, b) => (a * b) / SCALE;
  const div = (a, b) => (a * SCALE) / b;
  const round2 = (value) => {
    const unit = SCALE / 100n;
    const sign = value < 0n ? -1n : 1n;
    const cents = (value * sign + unit / 2n) / unit * sign;
    const abs = cents < 0n ? -cents : cents;
    return (cents < 0n ? "-" : "") + (abs / 100n) + "." + String(abs % 100n).padStart(2, "0");
  };

  function cost(input) {
    const [amount, mid, rate, flat, pct] = ["amount", "mid_rate", "rate", "flat_fee", "percent_fee"].map((k) => toFixed(String(input[k] || "0")));
    if ([amount, mid, rate, flat, pct].includes(null) || amount <= 0n || mid <= 0n || rate <= 0n || flat < 0n || pct < 0n) return null;
    const fee = flat + mul(amount, pct) / 100n;
    if (pct >= 100n * SCALE || fee >= amount) return null;
    const margin = div(mid - rate, mid);
    const marginCost = mul(amount, margin);
    const total = fee + marginCost;
    return {
      fee: round2(fee), margin_percent: round2(margin * 100n), margin_cost: round2(marginCost),
      total_cost: round2(total), total_percent: round2(div(total, amount) * 100n), received: round2(mul(amount, rate)),
      below: total * 100n < 3n * amount, receivedExact: mul(amount, rate),
    };
  }
  window.remittanceCost = cost;

  const form = document.getElementById("calc");
  const out = document.getElementById("calc-results");
  if (!form || !out) return;
  const lang = out.dataset.lang;
  const parts = new Intl.NumberFormat(lang).formatToParts(12345.6);
  const group = (parts.find((p) => p.type === "group") || {}).value || ",";
  const decimal = (parts.find((p) => p.type === "decimal") || {}).value || ".";
  // Any script's decimal digits (Arabic-Indic, Devanagari, Bengali, Burmese) become 0-9.
  const digit = (d) => {
    for (const zero of [0x30, 0x660, 0x6f0, 0x966, 0x9e6, 0x1040]) {
      const n = d.codePointAt(0) - zero;
      if (n >= 0 && n <= 9) return n;
    }
    return "x";
  };
  const plain = (text) => {
    let t = text.trim().replace(/\p{Nd}/gu, digit).replace(/\u066b/g, ".").replace(/[\s\u00a0\u202f\u066c]/g, "");
    if (decimal !== "." && t.includes(decimal)) t = t.split(group).join("").replace(decimal, ".");
    else t = t.split(",").join("");
    return t;
  };

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const value = (name) => plain(form.elements[name].value || "");
    const rows = [];
    let invalid = false;
    for (let i = 1; i <= 4; i += 1) {
      if (!form.elements["rate_" + i].value.trim()) continue;
      const result = cost({ amount: value("amount"), mid_rate: value("mid_rate"), rate: value("rate_" + i), flat_fee: value("flat_" + i) || "0", percent_fee: value("pct_" + i) || "0" });
      if (!result) { invalid = true; continue; }
      result.name = form.elements["name_" + i].value.trim() || out.dataset.offer.replace("{n}", i);
      rows.push(result);
    }
    out.textContent = "";
    if (invalid || !rows.length) {
      const p = document.createElement("p");
      p.className = "message";
      p.setAttribute("role", "alert");
      p.textContent = out.dataset.invalid;
      out.append(p);
      return;
    }
    rows.sort((a, b) => (b.receivedExact > a.receivedExact ? 1 : b.receivedExact < a.receivedExact ? -1 : 0));
    out.append(document.getElementById("calc-template").content.cloneNode(true));
    const fmt = (n) => new Intl.NumberFormat(lang, { minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(Number(n));
    const body = out.querySelector("tbody");
    for (const r of rows) {
      const tr = body.insertRow();
      const th = document.createElement("th");
      th.scope = "row";
      th.textContent = r.name;
      tr.append(th);
      const cells = [fmt(r.fee), fmt(r.margin_cost) + " (" + fmt(r.margin_percent) + "%)", fmt(r.total_cost),
        fmt(r.total_percent) + "% — " + (r.below ? out.dataset.below : out.dataset.above), fmt(r.received)];
      for (const text of cells) {
        const td = tr.insertCell();
        td.dir = "ltr";
        td.textContent = text;
      }
    }
  });
})();
