// unspace's page script: the search as you type (its state in the address, so that
// a search can be bookmarked and shared), and the copy buttons of every page.
// Text from the server is only ever put in the page as text (textContent, text
// nodes), never as HTML.
'use strict';

(function () {
  const PAGE = 20;
  const MOST = 500;
  const NAMES = {
    zh: '中文', en: 'English', fr: 'français', es: 'español', ru: 'русский', ar: 'العربية',
  };

  /** An element with attributes and children (strings become text nodes). */
  function h(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attrs || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (name === 'lang') setLang(node, value);
      else node.setAttribute(name, value === true ? '' : String(value));
    }
    for (const child of children.flat()) {
      if (child === null || child === undefined || child === '') continue;
      node.append(typeof child === 'string' ? document.createTextNode(child) : child);
    }
    return node;
  }

  /** Marks text as being in a language (right to left for Arabic). */
  function setLang(node, code) {
    node.setAttribute('lang', code);
    if (code === 'ar') node.setAttribute('dir', 'rtl');
  }

  function unitUrl(doc, ref) {
    return '/unit?' + new URLSearchParams({ doc, ref });
  }

  function docUrl(doc, lang, ref) {
    return '/doc?' + new URLSearchParams({ id: doc, lang }) + (ref ? '#' + encodeURIComponent(ref) : '');
  }

  // Copy buttons: on every page, for every button with data-copy.
  function copied(button) {
    const label = button.textContent;
    button.textContent = 'Copied';
    button.classList.add('done');
    setTimeout(() => {
      button.textContent = label === 'Copied' ? 'Copy' : label;
      button.classList.remove('done');
    }, 1500);
  }

  function copyText(text, button) {
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(() => copied(button), () => copyByHand(text, button));
    } else {
      copyByHand(text, button);
    }
  }

  function copyByHand(text, button) {
    const area = h('textarea', { class: 'visually-hidden', readonly: true });
    area.value = text;
    document.body.append(area);
    area.select();
    try {
      if (document.execCommand('copy')) copied(button);
    } finally {
      area.remove();
      button.focus();
    }
  }

  document.addEventListener('click', (event) => {
    const button = event.target.closest('button[data-copy]');
    if (button) copyText(button.getAttribute('data-copy'), button);
  });

  function copyButton(text) {
    return h('button', { type: 'button', class: 'copy', 'data-copy': text, 'aria-label': 'Copy the citation ' + text }, 'Copy');
  }

  // The site's navigation says which page this is.
  for (const link of document.querySelectorAll('.top nav a')) {
    if (link.pathname === location.pathname) link.setAttribute('aria-current', 'page');
  }

  const form = document.getElementById('search');
  if (!form) return;

  // The search page.
  const q = document.getElementById('q');
  const lang = document.getElementById('lang');
  const doc = document.getElementById('doc');
  const year = document.getElementById('year');
  const parallel = document.getElementById('parallel');
  const kinds = Array.from(form.querySelectorAll('input[name=kind]'));
  const status = document.getElementById('status');
  const hits = document.getElementById('hits');
  const more = document.getElementById('more');
  const exportLine = document.getElementById('export');
  // The languages the index holds (from /api/documents), for the export.
  let heldLanguages = [];
  // The results shown, whose export links are drawn again once those are known.
  let shownResults = null;
  let limit = PAGE;
  let timer = null;
  let controller = null;
  let asked = 0;

  /** `text` with the code point ranges `ranges` in <mark>. */
  function marked(text, ranges) {
    const chars = Array.from(text);
    const out = document.createDocumentFragment();
    let at = 0;
    for (const [start, end] of ranges || []) {
      if (start < at || end > chars.length || start >= end) continue;
      out.append(chars.slice(at, start).join(''));
      out.append(h('mark', {}, chars.slice(start, end).join('')));
      at = end;
    }
    out.append(chars.slice(at).join(''));
    return out;
  }

  function notes(footnotes) {
    if (!footnotes || footnotes.length === 0) return null;
    return h('ol', { class: 'notes', 'aria-label': 'Footnotes' },
      footnotes.map((note) => h('li', { value: note.number }, note.text)));
  }

  /** One language's text of a hit. */
  function version(language, heading, text, footnotes, labelled) {
    return h('div', { class: 'version', lang: language },
      labelled ? h('p', { class: 'language' }, NAMES[language] || language, ' ', h('span', { class: 'code' }, language)) : null,
      heading ? h('h3', { class: 'heading' }, heading) : null,
      h('div', { class: 'text' }, text),
      notes(footnotes));
  }

  function hitNode(hit) {
    const facts = [hit.title, hit.date, NAMES[hit.language] || hit.language].filter(Boolean).join(' · ');
    const head = h('header', { class: 'hit-head' },
      h('a', { class: 'cite', href: unitUrl(hit.symbol, hit.ref), lang: hit.language }, hit.citation),
      ' ', copyButton(hit.citation),
      ' ', h('a', { class: 'whole', href: docUrl(hit.symbol, hit.language, hit.ref) }, 'whole document'),
      h('p', { class: 'meta', lang: hit.language }, facts),
      hit.matched_in === 'footnote' ? h('p', { class: 'badge' }, 'matched in a footnote it cites') : null);
    const others = (hit.parallel || []).filter((other) => typeof other.text === 'string');
    const absent = (hit.parallel || []).filter((other) => typeof other.text !== 'string');
    const own = version(hit.language, hit.heading, marked(hit.text, hit.highlights_chars), hit.footnotes, others.length > 0);
    const body = others.length === 0 ? own : h('div', { class: 'columns' }, own,
      others.map((other) => version(other.language, other.heading, other.text, other.footnotes, true)));
    const missing = absent.length === 0 ? null : h('p', { class: 'missing' },
      'No text in ', absent.map((other) => NAMES[other.language] || other.language).join(', '), ' in the index.');
    return h('article', { class: 'hit' }, head, body, missing);
  }

  /** The search as the address holds it. */
  function fromAddress() {
    const p = new URLSearchParams(location.search);
    q.value = p.get('q') || '';
    lang.value = p.get('lang') || '';
    const wanted = p.get('doc') || '';
    if (wanted && !Array.from(doc.options).some((o) => o.value === wanted)) {
      doc.append(h('option', { value: wanted }, wanted));
    }
    doc.value = wanted;
    year.value = p.get('year') || '';
    const chosen = p.getAll('kind');
    for (const box of kinds) box.checked = chosen.includes(box.value);
    if (chosen.length > 0) form.querySelector('details.kinds').open = true;
    parallel.checked = p.get('parallel') === 'all';
    limit = Math.min(MOST, Math.max(1, parseInt(p.get('limit'), 10) || PAGE));
  }

  /** The search as the form holds it (what the address and the API take). */
  function params() {
    const p = new URLSearchParams();
    if (q.value.trim()) p.set('q', q.value);
    if (lang.value) p.set('lang', lang.value);
    if (doc.value) p.set('doc', doc.value);
    if (year.value.trim()) p.set('year', year.value.trim());
    for (const box of kinds) if (box.checked) p.append('kind', box.value);
    if (parallel.checked) p.set('parallel', 'all');
    if (limit !== PAGE) p.set('limit', String(limit));
    return p;
  }

  /** `/api/export` for every unit the search finds, in `languages`. */
  function exportUrl(format, languages) {
    const p = new URLSearchParams({ format, lang: languages.join(',') });
    p.set('q', q.value);
    if (doc.value) p.set('doc', doc.value);
    for (const box of kinds) if (box.checked) p.append('kind', box.value);
    if (year.value.trim()) p.set('year', year.value.trim());
    return '/api/export?' + p;
  }

  /** The export links for these hits: in the hits' languages and English (and, when
   * that is one language, the others the index holds), the first hit's first. */
  function showExport(results) {
    shownResults = results;
    const languages = [];
    for (const hit of results.hits) if (!languages.includes(hit.language)) languages.push(hit.language);
    if (!languages.includes('en')) languages.push('en');
    if (languages.length < 2) for (const l of heldLanguages) if (!languages.includes(l)) languages.push(l);
    if (results.total === 0 || languages.length < 2) {
      hideExport();
      return;
    }
    // 中文, English and français: each name marked as its language.
    const listed = languages.flatMap((l, i) => [
      i === 0 ? null : i === languages.length - 1 ? ' and ' : ', ',
      h('span', { lang: l }, NAMES[l] || l),
    ]).filter(Boolean);
    exportLine.replaceChildren(
      'Export these units (every match, in ', ...listed, '): ',
      h('a', { href: exportUrl('tmx', languages), type: 'application/x-tmx+xml' }, 'TMX'),
      ' · ',
      h('a', { href: exportUrl('csv', languages), type: 'text/csv' }, 'CSV'));
    exportLine.hidden = false;
  }

  function hideExport() {
    shownResults = null;
    exportLine.hidden = true;
    exportLine.replaceChildren();
  }

  function say(text, error) {
    status.textContent = text;
    status.classList.toggle('error', Boolean(error));
  }

  async function run() {
    clearTimeout(timer);
    const p = params();
    const address = p.toString() ? '/?' + p : '/';
    if (address !== location.pathname + location.search) history.replaceState(null, '', address);
    document.title = (q.value.trim() ? q.value.trim() : 'Search') + ' · unspace';
    if (controller) controller.abort();
    const mine = ++asked;
    if (!q.value.trim()) {
      hits.replaceChildren();
      hits.removeAttribute('data-query');
      more.hidden = true;
      hideExport();
      say('');
      return;
    }
    controller = new AbortController();
    const api = new URLSearchParams(p);
    api.set('limit', String(limit));
    hits.setAttribute('aria-busy', 'true');
    try {
      const response = await fetch('/api/search?' + api, { signal: controller.signal });
      const body = await response.json();
      if (mine !== asked) return;
      if (response.status === 503) {
        say('The index is being built; the search will run as soon as it is ready…');
        timer = setTimeout(run, 1500);
        return;
      }
      if (!response.ok) {
        hits.replaceChildren();
        more.hidden = true;
        hideExport();
        say(body.error || 'The search failed.', true);
        return;
      }
      show(body);
    } catch (e) {
      if (e.name !== 'AbortError' && mine === asked) say('The server did not answer: is unspace serve still running?', true);
    } finally {
      if (mine === asked) hits.removeAttribute('aria-busy');
    }
  }

  function show(results) {
    hits.replaceChildren(...results.hits.map(hitNode));
    // Which search the hits answer (for scripts that drive the page).
    hits.setAttribute('data-query', results.query);
    const n = results.total;
    const shown = results.hits.length;
    if (n === 0) {
      say('No paragraph matches “' + results.query + '”.');
      // The nearest query the index answers, offered as a link: never searched
      // for in the user's place.
      const suggestion = (results.suggestions || [])[0];
      if (suggestion) {
        const offer = document.createElement('a');
        offer.href = '/?q=' + encodeURIComponent(suggestion.query);
        offer.className = 'suggestion';
        offer.textContent = suggestion.query;
        offer.addEventListener('click', (event) => {
          event.preventDefault();
          q.value = suggestion.query;
          limit = PAGE;
          run();
        });
        const paragraphs = suggestion.total === 1 ? ' paragraph)' : ' paragraphs)';
        status.append(' Did you mean ', offer, '? (' + suggestion.total.toLocaleString('en') + paragraphs);
      }
    } else {
      const count = n.toLocaleString('en') + (n === 1 ? ' paragraph matches' : ' paragraphs match');
      say(shown < n ? count + ', the first ' + shown + ' shown.' : count + '.');
    }
    const left = n - shown;
    more.hidden = left <= 0 || limit >= MOST;
    more.textContent = 'Show ' + Math.min(PAGE, left, MOST - limit) + ' more';
    showExport(results);
  }

  function soon() {
    clearTimeout(timer);
    limit = PAGE;
    timer = setTimeout(run, 200);
  }

  form.addEventListener('input', soon);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    limit = PAGE;
    run();
  });
  more.addEventListener('click', () => {
    limit = Math.min(MOST, limit + PAGE);
    run();
  });
  window.addEventListener('popstate', () => {
    fromAddress();
    run();
  });
  document.addEventListener('keydown', (event) => {
    const typing = event.target.closest('input, select, textarea, [contenteditable]');
    if (event.key === '/' && !typing && !event.ctrlKey && !event.metaKey && !event.altKey) {
      event.preventDefault();
      q.focus();
      q.select();
    }
  });

  /** The documents and languages the index holds, for the filters. */
  async function fillFilters() {
    try {
      const response = await fetch('/api/documents');
      if (response.status === 503) {
        setTimeout(fillFilters, 1500);
        return;
      }
      if (!response.ok) return;
      const documents = await response.json();
      const held = new Set(documents.flatMap((d) => d.languages));
      heldLanguages = Array.from(held);
      if (shownResults) showExport(shownResults);
      for (const option of Array.from(lang.options)) {
        if (option.value && !held.has(option.value) && option.value !== lang.value) option.remove();
      }
      const wanted = doc.value;
      doc.replaceChildren(h('option', { value: '' }, 'any'));
      for (const d of documents) {
        const label = d.symbol && d.symbol !== d.id ? d.title + ' (' + d.symbol + ')' : d.title + ' (' + d.id + ')';
        doc.append(h('option', { value: d.id, lang: d.languages[0] }, label));
      }
      if (wanted && !documents.some((d) => d.id === wanted)) doc.append(h('option', { value: wanted }, wanted));
      doc.value = wanted;
    } catch (e) {
      // The filters keep their first options; the search itself says what failed.
    }
  }

  fromAddress();
  fillFilters();
  if (q.value.trim()) run();
  else q.focus();
})();
