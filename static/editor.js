// Editors' area: unsaved drafts kept in this browser, and a live preview through the server's
// sanitiser. Never evaluates what an editor typed: the preview is HTML the server cleaned.
(function () {
  'use strict';
  var form = document.getElementById('editor-form');
  if (!form) return;
  var key = 'draft:' + form.dataset.draftKey;
  var banner = document.getElementById('draft-banner');
  var preview = document.getElementById('preview');
  var token = document.querySelector('meta[name="csrf-token"]').content;

  function fields() {
    var out = {};
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.type === 'hidden' || el.type === 'submit') return;
      var value = el.type === 'checkbox' ? (el.checked ? el.value : '') : el.value;
      (out[el.name] = out[el.name] || []).push(value);
    });
    return out;
  }

  function fill(saved) {
    var seen = {};
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.type === 'hidden' || el.type === 'submit' || !saved[el.name]) return;
      var i = seen[el.name] || 0;
      seen[el.name] = i + 1;
      var value = saved[el.name][i];
      if (value === undefined) return;
      if (el.type === 'checkbox') el.checked = value === el.value; else el.value = value;
    });
    // Paragraph boxes beyond the page's rows go into the last box, so no text is dropped.
    var extra = (saved.para || []).slice(seen.para || 0).filter(Boolean);
    var boxes = form.querySelectorAll('textarea[name="para"]');
    if (extra.length && boxes.length) {
      var last = boxes[boxes.length - 1];
      last.value = [last.value].concat(extra).filter(Boolean).join('\n\n');
    }
  }

  function store() {
    try {
      localStorage.setItem(key, JSON.stringify({base: form.dataset.base, at: Date.now(), fields: fields()}));
    } catch (e) { /* storage full or blocked: the server copy is still there */ }
  }

  var initial = JSON.stringify(fields());
  if (form.dataset.saved) {
    localStorage.removeItem(key);  // this page is what was just saved
  } else {
    var draft = null;
    try { draft = JSON.parse(localStorage.getItem(key) || 'null'); } catch (e) { draft = null; }
    if (draft && draft.fields && JSON.stringify(draft.fields) !== initial) {
      banner.querySelector('[data-draft-time]').textContent = new Date(draft.at).toLocaleString();
      banner.hidden = false;
      banner.addEventListener('click', function (event) {
        var action = event.target.getAttribute('data-draft');
        if (action === 'restore') { fill(draft.fields); updatePreview(); }
        if (action === 'discard') localStorage.removeItem(key);
        if (action) banner.hidden = true;
      });
    }
  }

  function body() {
    return Array.prototype.map.call(form.querySelectorAll('textarea[name="para"]'), function (el) {
      return el.value.replace(/^\n+|\n+$/g, '');
    }).filter(function (text) { return text.trim(); }).join('\n\n');
  }

  var pending = null;
  function updatePreview() {
    fetch(form.dataset.preview, {
      method: 'POST',
      credentials: 'same-origin',
      headers: {'Content-Type': 'application/json', 'X-CSRFToken': token},
      body: JSON.stringify({body: body()})
    }).then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (data && typeof data.html === 'string') {
          preview.innerHTML = data.html;  // sanitised by the server (nh3), never scripts
          preview.setAttribute('data-ready', '1');
        }
      }).catch(function () { /* offline: the preview button still works after reconnecting */ });
  }

  form.addEventListener('input', function () {
    store();
    clearTimeout(pending);
    pending = setTimeout(updatePreview, 400);
  });
  if (!preview.innerHTML.trim()) updatePreview();
})();
