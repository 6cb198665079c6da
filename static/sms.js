/* Live SMS counter: the rules of migrant_info/sms.py (GSM 03.38), checked by shared vectors. */
(function () {
  "use strict";
  const BASIC = new Set("@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà");
  const EXTENSION = new Set("^{}\\[~]|€\f");
  const REPLACE = { "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'", "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u2033": '"', "\u00ab": '"', "\u00bb": '"', "\u2013": "-", "\u2014": "-", "\u2212": "-", "\u2026": "...", "\u00a0": " ", "\u2009": " ", "\u202f": " ", "\u00e1": "a", "\u00ed": "i", "\u00f3": "o", "\u00fa": "u", "\u00e7": "Ç", "\u00ea": "e", "\u00e2": "a", "\u00f4": "o", "\u00e3": "a", "\u00f5": "o", "\u2022": "-", "\t": " " };

  function segments(text) {
    const chars = Array.from(text);
    const forcing = [...new Set(chars.filter((c) => !BASIC.has(c) && !EXTENSION.has(c)))];
    const encoding = forcing.length ? "UCS-2" : "GSM-7";
    const [single, part] = encoding === "GSM-7" ? [160, 153] : [70, 67];
    const sizes = chars.map((c) => (encoding === "GSM-7" ? (EXTENSION.has(c) ? 2 : 1) : (c.codePointAt(0) > 0xffff ? 2 : 1)));
    const units = sizes.reduce((a, b) => a + b, 0);
    let count = chars.length ? 1 : 0;
    let remaining = single - units;
    if (units > single) {
      let used = 0;
      for (const size of sizes) {
        if (used + size > part) { count += 1; used = 0; }
        used += size;
      }
      remaining = part - used;
    }
    return { encoding, segments: count, units, characters: chars.length, remaining, forcing };
  }
  window.smsSegments = segments;

  const box = document.getElementById("sms-text");
  const counter = document.getElementById("sms-counter");
  if (!box || !counter) return;
  const fill = (template, values) => template.replace(/\{(\w+)\}/g, (_, k) => values[k]);
  const fix = document.getElementById("sms-fix");
  const update = () => {
    const r = segments(box.value);
    document.getElementById("sms-parts").textContent = fill(counter.dataset.parts, r);
    document.getElementById("sms-left").textContent = fill(counter.dataset.left, r);
    const forced = document.getElementById("sms-forced");
    forced.hidden = !r.forcing.length;
    forced.textContent = fill(counter.dataset.forced, { chars: r.forcing.join(" ") });
    fix.hidden = !r.forcing.some((c) => c in REPLACE);
  };
  box.addEventListener("input", update);
  fix.addEventListener("click", (event) => {
    event.preventDefault();
    box.value = Array.from(box.value).map((c) => REPLACE[c] || c).join("");
    update();
  });
})();
