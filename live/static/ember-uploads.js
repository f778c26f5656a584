// ember's upload client (ember.live.use_upload), loaded by ember.js on the first page that
// has an upload input: files are sent in chunks to the mount's upload route, or to S3 with
// a presigned POST. No dependencies, no eval. docs/uploads.md.
// The server lists the entries it accepted on the input (data-ember-entries: [token, name,
// size, external]); the files themselves stay here until they are sent.
(function () {
  "use strict";
  const CHUNK = 512 * 1024;
  const sending = {}; // token -> {input, abort, done: Promise, over}
  const pictures = {}; // entry ref -> File, for img[data-ember-preview]
  const root = document.querySelector("[data-ember-root]");
  const prefix = root ? JSON.parse(root.dataset.emberConfig).pathPrefix : "/";

  function entriesOf(input) {
    try {
      return JSON.parse(input.getAttribute("data-ember-entries") || "[]");
    } catch (error) {
      return [];
    }
  }
  function fileFor(input, name, size) {
    return (input.__emberFiles || []).find((f) => f.name === name && f.size === size);
  }
  function entriesChanged(input) {
    const listed = entriesOf(input);
    const tokens = listed.map((e) => e[0]);
    // An entry the server no longer lists was cancelled (or consumed): stop sending it.
    for (const token in sending) if (sending[token].input === input && tokens.indexOf(token) < 0) sending[token].abort.abort();
    for (const [token, name, size] of listed) {
      const file = fileFor(input, name, size);
      if (file && /^image\//.test(file.type)) pictures[token.split(".")[0]] = file;
    }
    if (input.hasAttribute("data-ember-auto")) start(input);
    showPictures();
  }
  function start(input) {
    const jobs = [];
    for (const [token, name, size, external] of entriesOf(input)) {
      if (!sending[token]) {
        const file = fileFor(input, name, size);
        if (!file) continue;
        const abort = new AbortController();
        const job = (sending[token] = { input, abort });
        const send = external ? sendExternal : sendChunks;
        job.done = send(file, token, external, abort.signal).catch(() => {}).then(() => (job.over = true));
      }
      if (!sending[token].over) jobs.push(sending[token].done);
    }
    return jobs;
  }
  function url(token, query) {
    return `${prefix}upload/${token}?${query}`;
  }
  async function sendChunks(file, token, _external, signal) {
    let offset = 0;
    do {
      const response = await fetch(url(token, `offset=${offset}`), { method: "POST", body: file.slice(offset, offset + CHUNK), signal });
      if (!response.ok && response.status !== 409) return; // refused: the entry shows why
      offset = (await response.json()).received;
    } while (offset < file.size);
  }
  function sendExternal(file, token, external, signal) {
    // A presigned POST: the fields, then the file; progress goes to ember's upload route.
    return new Promise((resolve, reject) => {
      const xhr = new XMLHttpRequest();
      const form = new FormData();
      for (const name in external.fields || {}) form.append(name, external.fields[name]);
      form.append("file", file);
      let shown = -1;
      const tell = (percent) => fetch(url(token, `progress=${percent}`), { method: "POST" });
      xhr.upload.onprogress = (event) => {
        const percent = Math.floor((event.loaded * 99) / (event.total || 1));
        if (percent >= shown + 5) tell((shown = percent));
      };
      xhr.onload = () => (xhr.status < 300 ? tell(100).then(resolve) : reject(new Error(`status ${xhr.status}`)));
      xhr.onerror = reject;
      signal.addEventListener("abort", () => xhr.abort());
      xhr.open(external.method || "POST", external.url);
      xhr.send(form);
    });
  }
  function holdSubmit(form, again) {
    // A form's files are sent before its submit (or once those already on their way are in).
    let jobs = [];
    for (const input of Array.from(form.querySelectorAll("input[data-ember-upload]"))) jobs = jobs.concat(start(input));
    if (!jobs.length || form.__emberHeld) return false;
    form.__emberHeld = true;
    Promise.all(jobs).then(() => {
      form.__emberHeld = false;
      again();
    });
    return true;
  }
  function showPictures() {
    if (!Object.keys(pictures).length) return;
    for (const img of Array.from(document.querySelectorAll("img[data-ember-preview]"))) {
      const file = pictures[img.getAttribute("data-ember-preview")];
      if (!file || img.__emberShown === file) continue;
      img.__emberShown = file;
      const reader = new FileReader(); // a data: URL: the default policy's img-src has no blob:
      reader.onload = () => (img.src = reader.result);
      reader.readAsDataURL(file);
    }
  }

  document.addEventListener("change", (event) => {
    const input = event.target;
    if (input instanceof HTMLInputElement && input.files && input.hasAttribute("data-ember-upload")) input.__emberFiles = Array.from(input.files);
  }, true);
  for (const type of ["dragover", "drop"]) {
    document.addEventListener(type, (event) => {
      const zone = event.target instanceof Element && event.target.closest("[data-ember-dropzone]");
      const input = zone && zone.querySelector("input[data-ember-upload]");
      if (!input) return;
      event.preventDefault();
      if (type === "drop" && event.dataTransfer.files.length) {
        input.files = event.dataTransfer.files;
        input.dispatchEvent(new Event("change", { bubbles: true }));
      }
    });
  }
  new MutationObserver((records) => {
    for (const record of records) {
      if (record.type === "attributes") entriesChanged(record.target);
      for (const node of record.addedNodes) {
        if (!(node instanceof Element)) continue;
        const inputs = node.matches("input[data-ember-upload]") ? [node] : node.querySelectorAll("input[data-ember-upload]");
        for (const input of inputs) entriesChanged(input);
      }
      if (record.addedNodes.length) showPictures();
    }
  }).observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ["data-ember-entries"] });
  for (const input of Array.from(document.querySelectorAll("input[data-ember-upload]"))) entriesChanged(input);
  if (globalThis.ember) globalThis.ember.ext.holdSubmit = holdSubmit;
})();
