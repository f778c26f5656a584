// ember's browser client (protocol 6). One file, no dependencies, no eval (it runs under a
// CSP of script-src 'self'). It adopts the server-rendered DOM, keeps a light mirror of the
// model (per node: its DOM node, children, handlers), applies each patch op to the nodes it
// names, and sends events by delegation with only the fields handlers read.
// The wire format is ember.live._protocol's and ember.live._patch's; docs/client.md.
(function (factory) {
  const api = factory();
  if (typeof module === "object" && module.exports) module.exports = api;
  else {
    globalThis.ember = api; // for tests and tools: ember.createClient(document, element)
    api.boot(document);
  }
})(function () {
  "use strict";
  const PROTOCOL = 6;
  const VIEW = "data-ember-view"; // a nested view's element: its children are the child's
  const RELOAD_CODES = [4401, 4404];
  const LONG = { a: "attributes", e: "eventHandlers", j: "inlineJavaScript", s: "importSource", x: "error", k: "key" };
  const RENAMED = { className: "class", htmlFor: "for", defaultValue: "value", defaultChecked: "checked", acceptCharset: "accept-charset", httpEquiv: "http-equiv" };
  const SAFE_ATTRIBUTE = /^[A-Za-z][A-Za-z0-9_:.-]*$/;
  const SAFE_TAG = /^[A-Za-z][A-Za-z0-9-]*$/;
  const SKIPPED = { script: 1, style: 1 };
  const TEXTLIKE = { INPUT: 1, TEXTAREA: 1, SELECT: 1 };
  const NO_BUBBLE = { focus: 1, blur: 1, mouseenter: 1, mouseleave: 1, pointerenter: 1, pointerleave: 1, scroll: 1, load: 1, error: 1, toggle: 1, invalid: 1, close: 1, cancel: 1 };
  const EVENT_FIELDS = ["type", "key", "code", "altKey", "ctrlKey", "metaKey", "shiftKey", "repeat", "isComposing", "button", "buttons", "clientX", "clientY", "offsetX", "offsetY", "pageX", "pageY", "deltaX", "deltaY", "deltaMode", "inputType", "data", "timeStamp"];
  const ELEMENT_FIELDS = ["tagName", "id", "name", "type", "value", "checked", "selected", "disabled", "multiple"];
  const NOT_TYPED = { checkbox: 1, radio: 1, file: 1 };
  const ext = {}; // what ember-uploads.js adds: holdSubmit(form, then)
  const hooks = {}; // client hooks by name: ember.hooks.Chart = {mounted() {...}} (docs/js.md)
  const LOADING = { click: "ember-click-loading", submit: "ember-submit-loading", change: "ember-change-loading", input: "ember-change-loading" };

  // -- the wire: compact children back as models ---------------------------------------------
  function decode(value) {
    if (!Array.isArray(value)) return value;
    const element = { tagName: value[0] };
    if (value.length > 1 && value[1]) for (const name in value[1]) element[LONG[name] || name] = value[1][name];
    if (value.length > 2) element.children = value.slice(2).map(decode);
    return element;
  }

  // -- attributes, as ember.live._html writes them ---------------------------------------------
  // SVG's attribute names are case-sensitive: the HTML parser gives these their case back in
  // the first paint (the HTML standard's "adjust SVG attributes"), so the client must too, or
  // an icon built or hydrated by the client loses its viewBox.
  const SVG_NAMES = {};
  for (const name of ("attributeName attributeType baseFrequency baseProfile calcMode clipPathUnits diffuseConstant edgeMode filterUnits glyphRef gradientTransform gradientUnits kernelMatrix kernelUnitLength keyPoints keySplines keyTimes lengthAdjust limitingConeAngle markerHeight markerUnits markerWidth maskContentUnits maskUnits numOctaves pathLength patternContentUnits patternTransform patternUnits pointsAtX pointsAtY pointsAtZ preserveAlpha preserveAspectRatio primitiveUnits refX refY repeatCount repeatDur requiredExtensions requiredFeatures specularConstant specularExponent spreadMethod startOffset stdDeviation stitchTiles surfaceScale systemLanguage tableValues targetX targetY textLength viewBox viewTarget xChannelSelector yChannelSelector zoomAndPan").split(" ")) SVG_NAMES[name.toLowerCase()] = name;
  function htmlName(name, svg) {
    if (name === "key" || name[0] === "_") return null;
    let html = RENAMED[name];
    if (html === undefined) html = name.startsWith("data-") || name.startsWith("aria-") ? name : name.toLowerCase();
    if (svg && SVG_NAMES[html]) html = SVG_NAMES[html];
    if (!SAFE_ATTRIBUTE.test(html) || html.startsWith("on")) return null;
    return html;
  }
  function htmlValue(name, value) {
    if (value === null || value === undefined || value === false) return null;
    if (value === true) return "";
    if (name === "style" && typeof value === "object") {
      return Object.keys(value).map((k) => `${k.replace(/(?!^)([A-Z])/g, "-$1").toLowerCase()}:${value[k]}`).join(";");
    }
    return typeof value === "object" ? JSON.stringify(value) : String(value);
  }

  function ownerView(el) {
    // The nearest nested view's element at or above el (null: the page's own view).
    for (let n = el; n && n.nodeType === 1; n = n.parentNode) if (n.getAttribute(VIEW) !== null) return n;
    return null;
  }

  function createClient(doc, host, hostFor) {
    // hostFor(id): the element a nested view already lives in (kept when this view's
    // render builds its placeholder again: a patch above it, a live navigation).
    const viewHost = host.getAttribute && host.getAttribute(VIEW) !== null ? host : null;
    const mine = (el) => ownerView(el) === viewHost;
    const listening = {}; // event type -> handler names (onClick, ...)
    let root = null; // the mirror's root: a fragment over host's children
    let rootModel = { tagName: "" };

    // -- the mirror: {t: tag ("" fragment, null text), d: DOM node or null, k: kids, p, h, a}
    function ownsDom(v) {
      return v.d !== null;
    }
    function firstDom(v) {
      if (ownsDom(v)) return v.d;
      for (const kid of v.k) {
        const found = firstDom(kid);
        if (found) return found;
      }
      return null;
    }
    function domAt(v, index) {
      // The first DOM node of v's kids from index on, else the node after v (fragments).
      for (let i = index; i < v.k.length; i++) {
        const found = firstDom(v.k[i]);
        if (found) return found;
      }
      if (ownsDom(v) || !v.p) return null;
      return domAt(v.p, v.p.k.indexOf(v) + 1);
    }
    function domParent(v) {
      while (!ownsDom(v)) {
        if (!v.p) return host;
        v = v.p;
      }
      return v.d;
    }
    function removeDom(v) {
      if (ownsDom(v)) {
        if (v.d.parentNode) v.d.parentNode.removeChild(v.d);
      } else for (const kid of v.k) removeDom(kid);
    }
    function appendDom(v, into) {
      if (ownsDom(v)) into.appendChild(v.d);
      else for (const kid of v.k) appendDom(kid, into);
    }

    function listen(name) {
      if (typeof name !== "string" || name.length < 3 || !name.startsWith("on")) return;
      let type = name.slice(2).toLowerCase();
      if (type === "doubleclick") type = "dblclick";
      if (type === "change") listen("onInput"); // React's onChange: every input of a text field
      const names = listening[type];
      if (names) {
        if (names.indexOf(name) < 0) names.push(name);
        return;
      }
      listening[type] = [name];
      doc.addEventListener(type, dispatch, !!NO_BUBBLE[type]);
    }
    function setHandlers(v, handlers) {
      v.h = handlers && Object.keys(handlers).length ? handlers : null;
      if (v.h) for (const name in v.h) listen(name);
    }

    // -- values: what the user typed is never overwritten -----------------------------------------
    // A server value is written into an input when the server has answered every event the
    // input sent and the user has not typed since (the focus leaving ends the typing), or
    // when it answers a submit of the input's form (which carried every value).
    function mayWriteValue(el) {
      if (el.form && busyForms.has(el.form)) return true;
      return !el.__emberTyped && !pendingFrom(el);
    }
    function syncValue(v) {
      // The render accounts for the element's events (its ack seq changed): its value is
      // the server's again, even where the server's model did not change.
      if (v.a && "value" in v.a) setProperty(v.d, "value", v.a.value);
      if (v.a && "checked" in v.a) setProperty(v.d, "checked", v.a.checked);
    }
    function setProperty(el, name, value) {
      if (name === "value" && TEXTLIKE[el.tagName]) {
        const text = value === null || value === undefined ? "" : String(value);
        if (el.value !== text && mayWriteValue(el)) el.value = text;
      } else if (name === "checked" && el.tagName === "INPUT") {
        if (el.checked !== !!value && mayWriteValue(el)) el.checked = !!value;
      }
    }
    function setAttribute(v, name, value) {
      const el = v.d;
      if (name === "_reactpy_ack_seq") return syncValue(v);
      const html = htmlName(name, v.svg);
      if (html === null) return;
      const text = htmlValue(name, value);
      if (text === null) el.removeAttribute(html);
      else if (el.getAttribute(html) !== text) el.setAttribute(html, text);
      if (el.__emberJs) restick(el); // what JS commands set outlives server patches
      if (html === "data-ember-entries") loadUploads();
      if (html === "class" && el.__emberLoading) for (const cls of el.__emberLoading) el.classList.add(cls);
      if (html === "value" && el.tagName === "TEXTAREA" && !v.k.length && el.defaultValue !== (text || "")) el.defaultValue = text || "";
      if (html === "value" || html === "checked") setProperty(el, html, value);
    }
    function setAttributes(v, attributes) {
      const old = v.a || {};
      v.a = attributes || {};
      for (const name in old) if (!(name in v.a)) setAttribute(v, name, null);
      for (const name in v.a) if (old[name] !== v.a[name] || typeof v.a[name] === "object") setAttribute(v, name, v.a[name]);
    }

    // -- building nodes from models --------------------------------------------------------------
    function text(value, p) {
      return { t: null, d: doc.createTextNode(value === null || value === undefined ? "" : String(value)), k: [], p, h: null, a: null };
    }
    function build(model, p) {
      if (model === null || typeof model !== "object") return text(model, p);
      const tag = model.tagName || "";
      const v = { t: tag, d: null, k: [], p, h: null, a: null };
      if (tag === "" || !SAFE_TAG.test(tag) || SKIPPED[tag.toLowerCase()]) {
        if (tag === "") for (const child of model.children || []) v.k.push(build(child, v));
        return v;
      }
      const svg = tag === "svg" || (p && p.svg);
      const nested = model.attributes && model.attributes[VIEW];
      const kept = nested && hostFor ? hostFor(nested) : null;
      const el = (v.d = kept || (svg ? doc.createElementNS("http://www.w3.org/2000/svg", tag) : doc.createElement(tag)));
      if (svg && tag !== "foreignObject") v.svg = true;
      el.__ember = v;
      for (const child of nested ? [] : model.children || []) {
        const kid = build(child, v);
        v.k.push(kid);
        appendDom(kid, el);
      }
      setAttributes(v, model.attributes);
      setHandlers(v, model.eventHandlers);
      if (v.a && v.a["data-ember-hook"]) born.push(el);
      return v;
    }
    function buildAll(models, p) {
      const frag = doc.createDocumentFragment();
      const kids = models.map((m) => {
        const kid = build(m, p);
        appendDom(kid, frag);
        return kid;
      });
      return { kids, frag };
    }

    // -- hydration: adopt the DOM that is there, fix what differs --------------------------------
    function hydrate(model, p, parent, cursor) {
      const at = cursor.n;
      if (model === null || typeof model !== "object") {
        const value = model === null || model === undefined ? "" : String(model);
        if (at && at.nodeType === 3 && value !== "") {
          if (at.data !== value) {
            if (at.data.startsWith(value)) at.splitText(value.length); // the parser merged texts
            else at.data = value;
          }
          cursor.n = at.nextSibling;
          return { t: null, d: at, k: [], p, h: null, a: null };
        }
        const v = text(value, p);
        parent.insertBefore(v.d, at);
        return v;
      }
      const tag = model.tagName || "";
      if (tag === "" || !SAFE_TAG.test(tag) || SKIPPED[tag.toLowerCase()]) {
        const v = { t: tag, d: null, k: [], p, h: null, a: null };
        if (tag === "") for (const child of model.children || []) v.k.push(hydrate(child, v, parent, cursor));
        return v;
      }
      let node = at;
      while (node && node.nodeType !== 1) {
        // Comments and texts the model does not have here (e.g. whitespace) go.
        const next = node.nextSibling;
        parent.removeChild(node);
        node = next;
      }
      cursor.n = node;
      if (!node || node.nodeName.toLowerCase() !== tag.toLowerCase()) {
        const v = build(model, p);
        parent.insertBefore(v.d, node);
        return v;
      }
      cursor.n = node.nextSibling;
      const v = { t: tag, d: node, k: [], p, h: null, a: null };
      if (tag === "svg" || (p && p.svg && tag !== "foreignObject")) v.svg = true;
      node.__ember = v;
      const attributes = model.attributes || {};
      const wanted = {};
      for (const name in attributes) {
        const html = htmlName(name, v.svg);
        if (html !== null && htmlValue(name, attributes[name]) !== null) wanted[html] = 1;
      }
      for (const attribute of Array.from(node.attributes)) if (!wanted[attribute.name]) node.removeAttribute(attribute.name);
      setAttributes(v, attributes);
      setHandlers(v, model.eventHandlers);
      if (node.__emberJs) restick(node);
      if (attributes["data-ember-hook"]) born.push(node);
      const kids = model.children || [];
      if (tag.toLowerCase() === "textarea" && !kids.length) return v;
      if (attributes[VIEW]) return v; // a nested view: what is inside is the child's
      const inner = { n: node.firstChild };
      for (const child of kids) v.k.push(hydrate(child, v, node, inner));
      while (inner.n) {
        const next = inner.n.nextSibling;
        node.removeChild(inner.n);
        inner.n = next;
      }
      return v;
    }
    function adopt(model) {
      rootModel = model;
      const cursor = { n: host.firstChild };
      root = { t: "", d: null, k: [], p: null, h: null, a: null };
      if ((model.tagName || "") === "") for (const child of model.children || []) root.k.push(hydrate(child, root, host, cursor));
      else root.k.push(hydrate(model, root, host, cursor));
      while (cursor.n) {
        const next = cursor.n.nextSibling;
        host.removeChild(cursor.n);
        cursor.n = next;
      }
      sweep([]);
    }

    // -- ops ---------------------------------------------------------------------------------------
    function resolve(path, end) {
      let v = root;
      for (let i = 0; i < end; i++) {
        v = v.k[path[i]];
        if (!v) throw new Error(`ember-patch path ${JSON.stringify(path)} names no node`);
      }
      return v;
    }
    function insertKids(v, index, models) {
      const { kids, frag } = buildAll(models, v);
      domParent(v).insertBefore(frag, domAt(v, index));
      v.k.splice(index, 0, ...kids);
    }
    function setOp(path, value) {
      if (path.length === 0) {
        Object.assign(rootModel, value);
        for (const kid of root.k) removeDom(kid);
        root.k = [];
        const models = (rootModel.tagName || "") === "" ? rootModel.children || [] : [rootModel];
        insertKids(root, 0, models);
        return;
      }
      let ints = 0;
      while (ints < path.length && typeof path[ints] === "number") ints++;
      if (ints === path.length) {
        const parent = resolve(path, ints - 1);
        const index = path[ints - 1];
        const old = parent.k[index];
        if (old) {
          insertKids(parent, index, [decode(value)]);
          removeDom(old);
          parent.k.splice(index + 1, 1);
        } else insertKids(parent, index, [decode(value)]);
        return;
      }
      const v = resolve(path, ints);
      const field = path[ints];
      if (!v.d) return; // fragments and skipped elements carry nothing to show
      if (field === "attributes") {
        if (ints + 1 === path.length) setAttributes(v, value);
        else {
          const name = path[ints + 1];
          v.a = Object.assign({}, v.a);
          if (value === undefined) delete v.a[name];
          else v.a[name] = value;
          setAttribute(v, name, value);
        }
      } else if (field === "eventHandlers") {
        if (ints + 1 === path.length) setHandlers(v, value);
        else setHandlers(v, Object.assign({}, v.h, { [path[ints + 1]]: value }));
      }
    }
    function apply(ops) {
      const touched = [];
      for (const op of ops) {
        const kind = op[0];
        const path = op[1];
        if (hooked.size) touch(path, touched);
        if (kind === "s") {
          setOp(path, op[2]);
          continue;
        }
        const v = resolve(path, path.length);
        if (kind === "c") {
          if (v.d) v.d.textContent = "";
          else for (const kid of v.k) removeDom(kid);
          v.k = [];
          insertKids(v, 0, op[2].map(decode));
        } else if (kind === "i") {
          insertKids(v, op[2], op[3].map(decode));
        } else if (kind === "d") {
          for (const kid of v.k.splice(op[2], op[3])) removeDom(kid);
        } else if (kind === "m") {
          const kid = v.k.splice(op[2], 1)[0];
          v.k.splice(op[3], 0, kid);
          const before = domAt(v, op[3] + 1);
          const parent = domParent(v);
          const nodes = [];
          collect(kid, nodes);
          for (const node of nodes) parent.insertBefore(node, before);
        } else throw new Error(`Expected an ember-patch op of kind s, c, i, d or m, got ${kind}`);
      }
      sweep(touched);
    }
    function collect(v, out) {
      if (ownsDom(v)) out.push(v.d);
      else for (const kid of v.k) collect(kid, out);
    }

    // -- events ------------------------------------------------------------------------------------
    let seq = 0;
    let transport = null; // sends a frame while the page is live
    const queue = []; // frames made while it is not: sent once it is live again
    const inflight = []; // {seq, el, target, cls, form, sent}
    const busyForms = new Set();
    function pendingFrom(el) {
      // An event from el, or fired on an ancestor (a form's onChange) by el, not yet answered.
      for (const entry of inflight) if (entry.el === el || entry.target === el) return true;
      return false;
    }
    function describe(el) {
      if (!el || typeof el !== "object" || el.nodeType !== 1) return null;
      if (el.tagName === "FORM") return Array.from(el.elements).map(describeOne);
      return describeOne(el);
    }
    function describeOne(el) {
      const out = {};
      for (const field of ELEMENT_FIELDS) {
        if (field in el) {
          const value = el[field];
          if (value !== undefined && value !== null && typeof value !== "object" && typeof value !== "function") out[field] = value;
        }
      }
      if (el.dataset) out.dataset = Object.assign({}, el.dataset);
      if (el.files) out.files = Array.from(el.files).map((f) => ({ name: f.name, type: f.type, size: f.size }));
      if (el.multiple && el.selectedOptions) out.selectedOptions = Array.from(el.selectedOptions).map((o) => ({ value: o.value }));
      return out;
    }
    function serialise(event, current) {
      const out = {};
      for (const field of EVENT_FIELDS) {
        const value = event[field];
        if (value !== undefined && value !== null && typeof value !== "object" && typeof value !== "function") out[field] = value;
      }
      out.target = describe(event.target);
      if (current !== event.target) out.currentTarget = describe(current);
      if (event.submitter) out.submitter = describe(event.submitter);
      return out;
    }
    function typing(el) {
      return el.tagName === "TEXTAREA" || (el.tagName === "INPUT" && !NOT_TYPED[el.type]);
    }
    function namesFor(type, target) {
      // As React (and ReactPy's client) do: onChange fires on each input of a text field, on
      // the field and on every element above it (a form's onChange hears each keystroke).
      const names = listening[type] || [];
      if (type === "input" && typing(target)) return names.concat(listening.change || []);
      if (type === "change" && typing(target)) return names.filter((n) => n !== "onChange");
      return names;
    }
    function dispatch(event) {
      if (!listening[event.type] || !mine(event.target)) return; // a nested view's own
      let el = event.target;
      while (el && el !== host && el !== doc) {
        const v = el.__ember;
        if (v && v.h && v.d === el) {
          let stop = false;
          for (const name of namesFor(event.type, event.target)) {
            const handler = v.h[name];
            if (!handler || !keyWanted(el, event)) continue;
            fire(v, handler, event);
            if (handler.stopPropagation) stop = true;
          }
          if (stop) {
            event.stopPropagation();
            return;
          }
        }
        if (NO_BUBBLE[event.type]) return;
        el = el.parentNode;
      }
    }
    function keyWanted(el, event) {
      // data-ember-key="Escape Enter" (as LiveView's phx-key): a key handler on this element
      // hears only those keys, checked here so other keys never cost a round trip. Case
      // does not matter; "Space" names the space bar, whose key is " ".
      if (event.type !== "keydown" && event.type !== "keyup") return true;
      const wanted = el.getAttribute && el.getAttribute("data-ember-key");
      if (!wanted) return true;
      const key = event.key === " " ? "space" : String(event.key || "").toLowerCase();
      return wanted.split(/\s+/).some((name) => name.toLowerCase() === key);
    }
    function fire(v, handler, event, extra) {
      if (handler.js) return commands(v, handler, event);
      const el = v.d;
      if (handler.preventDefault || event.type === "submit") event.preventDefault();
      const form = event.type === "submit" ? el : null;
      if (form && ext.holdSubmit && ext.holdSubmit(form, () => fire(v, handler, event, extra))) return;
      if (form && busyForms.has(form)) return; // a second submit while one is in flight
      const data = serialise(event, el);
      if (extra) Object.assign(data, extra);
      const number = ++seq;
      const cls = LOADING[event.type] || null;
      if (cls) mark(el, cls, true);
      if (form) {
        busyForms.add(form);
        disableWith(form, true);
      }
      el.__emberTyped = false;
      if (event.target && event.target !== el) event.target.__emberTyped = false;
      if (form) for (const field of Array.from(form.elements)) field.__emberTyped = false;
      const frame = { type: "layout-event", target: handler.target, data: [data], seq: number };
      const entry = { seq: number, el, target: event.target, cls, form, sent: !!transport };
      inflight.push(entry);
      if (transport) transport(frame);
      else queue.push([frame, entry]);
    }
    function disableWith(form, on) {
      for (const button of Array.from(form.querySelectorAll("[data-disable-with]"))) {
        if (on) {
          button.__emberWasDisabled = button.disabled;
          button.disabled = true;
          button.classList.add("ember-disabled-with");
        } else {
          button.classList.remove("ember-disabled-with");
          if (!button.__emberWasDisabled) button.disabled = button.__ember && button.__ember.a ? !!button.__ember.a.disabled : false;
        }
      }
    }
    function mark(el, cls, on) {
      // A loading class, kept across server changes of the class attribute until the ack.
      const marks = (el.__emberLoading = el.__emberLoading || new Set());
      if (on) {
        marks.add(cls);
        el.classList.add(cls);
        return;
      }
      marks.delete(cls);
      el.classList.remove(cls);
      if (!el.classList.length && !(el.__ember && el.__ember.a && (el.__ember.a.className || el.__ember.a.class))) el.removeAttribute("class");
    }
    function acknowledge(number) {
      // Every event up to number has been handled and its renders are applied.
      while (inflight.length && inflight[0].seq <= number) settle(inflight.shift());
    }
    function settle(entry) {
      if (entry.cls && !inflight.some((e) => e.el === entry.el && e.cls === entry.cls)) mark(entry.el, entry.cls, false);
      if (entry.form) {
        busyForms.delete(entry.form);
        disableWith(entry.form, false);
        // The answer to a submit: its fields show what the server rendered, also where that
        // did not change (a form reset to "" after a post the server never saw typed).
        for (const field of Array.from(entry.form.elements)) {
          const v = field.__ember;
          if (v && v.a && "value" in v.a && TEXTLIKE[field.tagName]) setProperty(field, "value", v.a.value);
        }
      }
    }
    function typed(event) {
      if (event.target && TEXTLIKE[event.target.tagName]) event.target.__emberTyped = true;
    }
    doc.addEventListener("input", typed, true);
    doc.addEventListener("focusout", (event) => {
      if (event.target) event.target.__emberTyped = false;
    }, true);


    // -- form recovery: after a reconnect, the forms send back what they hold -------------------
    // As LiveView's auto-recover, with nothing declared: the new session (on this worker,
    // another one, or a fresh process after a crash) renders its forms as it knows them,
    // mostly empty. Each field of a live form (one with an onChange, its own or its form's)
    // whose value differs from that render gets the value it held back, and the change
    // handler fires (the field's, else once its form's), so the view re-validates what was
    // typed. A form marked data-ember-auto-recover="ignore" keeps the new render.
    const NOT_RECOVERED = { hidden: 1, file: 1, submit: 1, button: 1, reset: 1, image: 1 };
    function changeHandler(el) {
      const v = el.__ember;
      return v && v.d === el && v.h && v.h.onChange ? v : null;
    }
    function recoverable(form) {
      if (form.getAttribute("data-ember-auto-recover") === "ignore" || busyForms.has(form)) return false;
      return !!changeHandler(form) || Array.from(form.elements).some((el) => !!changeHandler(el));
    }
    function heldValue(el) {
      if (el.type === "checkbox" || el.type === "radio") return el.checked;
      if (el.tagName === "SELECT") return Array.from(el.options).filter((o) => o.selected).map((o) => o.value).join("\n");
      return el.value;
    }
    function renderedValue(el) {
      // The new render's: its model's value where it sets one, else its markup's.
      const a = (el.__ember && el.__ember.a) || {};
      if (el.type === "checkbox" || el.type === "radio") return "checked" in a ? !!a.checked : el.defaultChecked;
      if ("value" in a && !el.multiple) return a.value === null || a.value === undefined ? "" : String(a.value);
      if (el.tagName === "SELECT") {
        const chosen = Array.from(el.options).filter((o) => o.defaultSelected);
        if (!chosen.length && !el.multiple && el.options.length) chosen.push(el.options[0]);
        return chosen.map((o) => o.value).join("\n");
      }
      return el.defaultValue;
    }
    function formsHeld() {
      // Before the new render is adopted: what each live form's fields hold.
      const held = [];
      for (const form of Array.from(host.querySelectorAll("form"))) {
        if (!mine(form) || !recoverable(form)) continue;
        const fields = [];
        for (const el of Array.from(form.elements)) {
          if (!el.name || el.disabled || NOT_RECOVERED[el.type] || el.tagName === "BUTTON") continue;
          if (el.type === "radio" && !el.checked) continue; // checking its partner unchecks it
          fields.push({ el, name: el.name, type: el.type, value: el.value, held: heldValue(el) });
        }
        held.push({ form, id: form.id, fields });
      }
      return held;
    }
    function fieldIn(form, saved) {
      const same = (el) => el.name === saved.name && el.type === saved.type && (!(el.type === "checkbox" || el.type === "radio") || el.value === saved.value);
      if (saved.el.form === form && same(saved.el)) return saved.el;
      return Array.from(form.elements).find(same) || null;
    }
    function putBack(el, saved) {
      if (el.type === "checkbox" || el.type === "radio") el.checked = saved.held;
      else if (el.tagName === "SELECT") {
        const values = saved.held.split("\n");
        for (const option of Array.from(el.options)) option.selected = values.indexOf(option.value) >= 0;
      } else el.value = saved.held;
    }
    function restoreForms(held) {
      // After the new render is adopted (and the socket is live): put back and re-validate.
      for (const saved of held) {
        let form = host.contains(saved.form) ? saved.form : null;
        if (!form && saved.id) form = doc.getElementById(saved.id);
        if (!form || !host.contains(form) || !recoverable(form)) continue;
        let formFired = false;
        for (const field of saved.fields) {
          const el = fieldIn(form, field);
          if (!el || el.disabled || heldValue(el) === field.held && renderedValue(el) === field.held) continue;
          putBack(el, field);
          const own = changeHandler(el);
          const on = own || (formFired ? null : changeHandler(form));
          if (!on) continue;
          if (!own) formFired = true;
          fire(on, on.h.onChange, { type: "change", target: el, preventDefault() {} });
        }
      }
    }

    // -- JS commands (ember.live.JS): data from the server, run here with no round trip -----------
    // A command names an element (the handler's, or every match of `to`); what it changes is
    // remembered on the element (el.__emberJs) and put back after each server patch of it.
    const FOCUSABLE = "a[href],button:not([disabled]),input:not([disabled]):not([type=hidden]),select:not([disabled]),textarea:not([disabled]),[tabindex]:not([tabindex='-1'])";
    const SCRIPT_URL = /^[\s\x00-\x20]*(java|vb)script:/i;
    function commands(v, handler, event) {
      if (handler.preventDefault || event.type === "submit") event.preventDefault();
      for (const [name, o] of handler.js) {
        if (name === "push") fire(v, { target: handler.target }, event, o.value || {});
        else if (COMMANDS[name]) for (const el of targets(v.d, o.to)) COMMANDS[name](el, o);
      }
    }
    function targets(el, to) {
      if (!to) return [el];
      try {
        return Array.from(doc.querySelectorAll(to));
      } catch (error) {
        return [];
      }
    }
    function stick(el, key, value) {
      (el.__emberJs = el.__emberJs || {})[key] = value;
      restick(el);
    }
    function restick(el) {
      for (const key in el.__emberJs) {
        const value = el.__emberJs[key];
        const name = key.slice(2);
        if (key[0] === "d") {
          if (el.style.display !== value) el.style.display = value;
        } else if (key[0] === "c") {
          if (value) el.classList.add(name);
          else el.classList.remove(name);
        } else if (value === null) el.removeAttribute(name);
        else if (el.getAttribute(name) !== value) el.setAttribute(name, value);
      }
    }
    function isHidden(el) {
      const view = doc.defaultView;
      return view && view.getComputedStyle ? view.getComputedStyle(el).display === "none" : el.style.display === "none";
    }
    function transition(el, t, time, done) {
      if (!t) return done && done();
      const [run, start, end] = t;
      for (const c of run.concat(start)) el.classList.add(c);
      const view = doc.defaultView;
      const later = view && view.requestAnimationFrame ? (f) => view.requestAnimationFrame(() => view.requestAnimationFrame(f)) : (f) => setTimeout(f, 0);
      later(() => {
        for (const c of start) el.classList.remove(c);
        for (const c of end) el.classList.add(c);
      });
      setTimeout(() => {
        for (const c of run.concat(end)) el.classList.remove(c);
        if (done) done();
      }, time || 0);
    }
    function attributeOk(name, value) {
      return htmlName(name) !== null && !SCRIPT_URL.test(String(value).replace(/[\t\n\r]/g, ""));
    }
    const COMMANDS = {
      show(el, o) {
        stick(el, "d:", o.display || "block");
        transition(el, o.transition, o.time);
      },
      hide(el, o) {
        transition(el, o.transition, o.time, () => stick(el, "d:", "none"));
      },
      toggle(el, o) {
        if (isHidden(el)) COMMANDS.show(el, { display: o.display, transition: o.ins, time: o.time });
        else COMMANDS.hide(el, { transition: o.outs, time: o.time });
      },
      add_class(el, o) {
        for (const name of o.names) stick(el, "c:" + name, true);
      },
      remove_class(el, o) {
        for (const name of o.names) stick(el, "c:" + name, false);
      },
      toggle_class(el, o) {
        for (const name of o.names) stick(el, "c:" + name, !el.classList.contains(name));
      },
      set_attribute(el, o) {
        if (attributeOk(o.name, o.value)) stick(el, "a:" + o.name, String(o.value));
      },
      remove_attribute(el, o) {
        if (attributeOk(o.name, "")) stick(el, "a:" + o.name, null);
      },
      toggle_attribute(el, o) {
        const value = el.getAttribute(o.name) === o.on ? (o.off === undefined ? null : o.off) : o.on;
        if (attributeOk(o.name, value || "")) stick(el, "a:" + o.name, value);
      },
      transition(el, o) {
        transition(el, o.transition, o.time);
      },
      focus(el) {
        if (el.focus) el.focus();
      },
      focus_first(el) {
        const first = el.querySelector && el.querySelector(FOCUSABLE);
        if (first) first.focus();
      },
      dispatch(el, o) {
        const Custom = doc.defaultView && doc.defaultView.CustomEvent;
        if (Custom) el.dispatchEvent(new Custom(o.event, { bubbles: true, detail: o.detail }));
      },
    };

    // -- client hooks (data-ember-hook="Name"): a JS object per element, from ember.hooks ---------
    const born = []; // elements made or adopted with a hook since the last sweep
    const hooked = new Set(); // elements whose hook is mounted
    const hookListeners = {}; // push_event name -> [[hook, callback]]
    let wasOffline = false;
    function touch(path, touched) {
      let v = root;
      for (const i of path) {
        if (typeof i !== "number" || !v.k[i]) break;
        v = v.k[i];
      }
      for (; v; v = v.p) if (v.d && v.d.__emberHook && touched.indexOf(v.d) < 0) touched.push(v.d);
    }
    function sweep(touched) {
      for (const el of Array.from(hooked)) {
        if (el.isConnected) continue;
        hooked.delete(el);
        callHook(el.__emberHook, "destroyed");
        el.__emberHook = null;
      }
      const mounted = born.splice(0).filter((el) => el.isConnected && !el.__emberHook);
      for (const el of touched) if (el.isConnected && el.__emberHook) callHook(el.__emberHook, "updated");
      for (const el of mounted) mountHook(el);
    }
    function mountHook(el) {
      const name = el.getAttribute("data-ember-hook");
      const registered = [hooks, globalThis.emberHooks || {}].find((r) => Object.prototype.hasOwnProperty.call(r, name));
      const def = registered && registered[name]; // never an inherited name ("constructor")
      const hook = Object.create(def || {});
      hook.el = el;
      hook.name = name;
      hook.pushEvent = (event, value) => {
        const v = el.__ember;
        const handler = v && v.h && v.h.onHookEvent;
        if (!handler) return hookFailed(hook, "pushEvent", new Error(`<${el.tagName.toLowerCase()} data-ember-hook="${name}"> has no onHookEvent handler`));
        fire(v, { target: handler.target }, { type: "hookevent", target: el, preventDefault() {} }, { event, value });
      };
      hook.handleEvent = (event, callback) => (hookListeners[event] = hookListeners[event] || []).push([hook, callback]);
      el.__emberHook = hook;
      hooked.add(el);
      if (!def) return hookFailed(hook, "mounted", new Error(`no hook named "${name}" is registered (ember.hooks.${name} = {mounted() {...}})`));
      callHook(hook, "mounted");
    }
    function callHook(hook, name, arg) {
      if (!hook || typeof hook[name] !== "function") return;
      try {
        hook[name](arg);
      } catch (error) {
        hookFailed(hook, name, error);
      }
    }
    function hookFailed(hook, name, error) {
      // Reported, never thrown: the page and the other hooks carry on.
      console.error(`ember: hook ${hook.name}.${name} failed:`, error);
      hook.el.setAttribute("data-ember-hook-failed", name);
      const Custom = doc.defaultView && doc.defaultView.CustomEvent;
      if (Custom) hook.el.dispatchEvent(new Custom("ember:hook-error", { bubbles: true, detail: { hook: hook.name, callback: name, message: String((error && error.message) || error) } }));
    }
    function serverEvent(message) {
      for (const [hook, callback] of hookListeners[message.event] || []) {
        if (hook.el.__emberHook === hook) {
          try {
            callback.call(hook, message.payload);
          } catch (error) {
            hookFailed(hook, "handleEvent", error);
          }
        }
      }
      const Custom = doc.defaultView && doc.defaultView.CustomEvent;
      if (Custom) doc.defaultView.dispatchEvent(new Custom(`ember:${message.event}`, { detail: message.payload }));
    }
    function hooksOnline(on) {
      if (!on) wasOffline = true;
      else if (!wasOffline) return;
      else wasOffline = false;
      for (const el of hooked) callHook(el.__emberHook, on ? "reconnected" : "disconnected");
    }

    // -- uploads: their client is a second file, loaded by the first page that has one -----------
    function loadUploads() {
      const root = host.closest && host.closest("[data-ember-root]");
      const src = root && JSON.parse(root.dataset.emberConfig).uploads;
      if (!src || ext.uploadsLoading) return;
      ext.uploadsLoading = true;
      const script = doc.createElement("script");
      script.src = src;
      doc.head.appendChild(script);
    }

    return {
      adopt,
      apply,
      acknowledge,
      formsHeld,
      restoreForms,
      online(send) {
        transport = send;
        hooksOnline(true);
        for (const [frame, entry] of queue.splice(0)) {
          entry.sent = true;
          send(frame);
        }
      },
      offline() {
        // Events the closed socket took: their answers will not come.
        transport = null;
        hooksOnline(false);
        for (const entry of inflight.filter((e) => e.sent)) {
          inflight.splice(inflight.indexOf(entry), 1);
          settle(entry);
        }
      },
      send(frame) {
        if (transport) transport(frame);
        return !!transport;
      },
      forget() {
        // Another view replaces this one: what was made for this one is dropped.
        queue.splice(0);
        for (const entry of inflight.splice(0)) settle(entry);
      },
      serverEvent,
      get root() {
        return root;
      },
    };
  }

  // -- live navigation (ember.live._navigation) ----------------------------------------------------
  // Links to the views of the page's live_session (config.live: app paths, under config.root)
  // switch views over the socket: ember-live asks, ember-view (title, socket config) and the
  // new view's layout-update answer, and the new view is built in place of the old one. A
  // navigation made while the socket is down waits for it; anything else is a page load.
  function appPath(pathname, root) {
    // The path within the app, or null for a path outside it.
    if (root && pathname !== root && !pathname.startsWith(root + "/")) return null;
    return pathname.slice(root.length) || "/";
  }
  function liveLink(event, loc, config) {
    // Where a click on a link goes without a page load ({path, qs, patch}), or null.
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return null;
    const a = event.target && event.target.closest ? event.target.closest("a[href]") : null;
    if (!a || (a.getAttribute("target") || "_self") !== "_self" || a.hasAttribute("download")) return null;
    let url;
    try {
      url = new URL(a.getAttribute("href"), loc.href);
    } catch (error) {
      return null; // not a URL: the browser decides
    }
    if (url.origin !== loc.origin) return null;
    if (url.hash && url.pathname === loc.pathname && url.search === loc.search) return null; // an anchor here
    const path = appPath(url.pathname, config.root);
    if ((config.live || []).indexOf(path) < 0) return null;
    return { path, qs: url.search, patch: a.hasAttribute("data-ember-patch") };
  }
  // -- the page being left ------------------------------------------------------------------------
  // Once the browser has begun to leave the page (a form posted, a link followed, a reload),
  // a load or a reload the server asks for would cancel that navigation: a log out posts its
  // form, the server tells the page's session to load again, and the log out's own redirect
  // (its flash, its cookie) was lost. It waits instead, and goes ahead only if the page is
  // still here LEAVE_GRACE_MS later (a download, a stopped load, "Stay on page").
  const LEAVE_GRACE_MS = 10000;
  function watchLeaving(win) {
    let since = 0;
    win.addEventListener("beforeunload", () => (since = Date.now()));
    win.addEventListener("pageshow", () => (since = 0));
    return function unlessLeaving(action) {
      const left = since ? LEAVE_GRACE_MS - (Date.now() - since) : 0;
      if (left > 0) setTimeout(action, left);
      else action();
    };
  }

  function createNavigation(doc, rootElement, host, config, client, unlessLeaving) {
    config.root = config.root || "";
    const win = doc.defaultView;
    const loc = win.location;
    const history = win.history;
    const here = () => ({ path: appPath(loc.pathname, config.root), qs: loc.search });
    let shown = here(); // the view on the page: its app path and query
    let asked = null; // sent as ember-live, not answered yet
    let arriving = null; // answered with ember-view: the next layout-update is that view
    let waiting = null; // to ask once the socket is live again (the latest wins)
    let rendered = null; // the app path of the last layout-update received (form recovery)

    function url(path, qs) {
      return path + (qs && qs[0] !== "?" ? "?" : "") + (qs || "");
    }
    function href(path, qs) {
      return config.root + url(path, qs);
    }
    function split(to) {
      const at = to.indexOf("?");
      return at < 0 ? { path: to, qs: "" } : { path: to.slice(0, at), qs: to.slice(at) };
    }
    function busy() {
      rootElement.classList.toggle("ember-navigating", !!(asked || arriving || waiting));
    }
    function load(to, flash) {
      unlessLeaving(() => {
        if (flash) {
          const secure = loc.protocol === "https:" ? "; secure" : "";
          doc.cookie = `ember_flash=${flash}; path=/; max-age=60; samesite=lax${secure}`;
        }
        loc.assign(config.root + to);
      });
    }
    function go(target) {
      if (rootElement.dataset.emberState === "error") return load(url(target.path, target.qs), target.flash); // it gave up
      if (asked || arriving || !client.send({ type: "ember-live", path: target.path, qs: target.qs, flash: target.flash || null })) waiting = target;
      else {
        asked = target;
        client.offline(); // events wait: the old view's handlers are going
        // Where this entry was scrolled to, for back to come back to it.
        if (target.how === "push") history.replaceState(Object.assign({}, history.state, { emberScroll: win.scrollY }), "");
      }
      busy();
    }
    function arrived(view) {
      shown = { path: view.path, qs: view.qs };
      if (view.how === "pop") win.scrollTo(0, (history.state && history.state.emberScroll) || 0);
      else {
        history[view.how === "replace" ? "replaceState" : "pushState"]({ ember: true }, "", href(view.path, view.qs));
        win.scrollTo(0, 0);
      }
      if (view.title !== undefined) doc.title = view.title;
      // For keyboards and screen readers: focus goes to the new view's main content.
      const target = host.querySelector("[autofocus]") || host.querySelector("main, [role=main]") || host.querySelector("h1") || host;
      if (!target.hasAttribute("autofocus") && !target.hasAttribute("tabindex")) target.setAttribute("tabindex", "-1");
      target.focus({ preventScroll: true });
      resume();
    }
    function resume() {
      const next = waiting || (here().path !== shown.path && (config.live || []).indexOf(here().path) >= 0 ? Object.assign(here(), { how: "pop" }) : null);
      waiting = null;
      if (next) go(next);
      busy();
    }
    function popped() {
      const now = here();
      if (now.path === shown.path) {
        // Within the view (push_patch's entries): the view follows the URL.
        if (now.qs !== shown.qs && !asked && !arriving) {
          shown = now;
          client.send({ type: "ember-location", path: now.path, qs: now.qs });
        }
      } else if ((config.live || []).indexOf(now.path) >= 0) go(Object.assign(now, { how: "pop" }));
      else loc.reload();
    }
    win.addEventListener("popstate", popped);
    win.addEventListener("click", (event) => {
      // On the window: after the page's own handlers, which may have prevented it.
      const target = liveLink(event, loc, config);
      if (!target) return;
      event.preventDefault();
      if (target.patch && target.path === shown.path) {
        history.pushState({ ember: true }, "", href(target.path, target.qs));
        return popped();
      }
      // A second click on the link being followed (a double click): one navigation, one
      // history entry.
      const pending = asked || arriving || waiting;
      if (pending && pending.path === target.path && pending.qs === target.qs) return;
      const same = target.path === shown.path && target.qs === shown.qs;
      go(Object.assign(target, { how: same ? "replace" : "push" }));
    });

    return {
      where() {
        // The URL the socket mounts: the view shown, or what the browser shows of the same
        // view (back/forward while the socket was down).
        const now = here();
        // The socket closed between ember-view and the new view (its mount failed, say):
        // that page is loaded instead, and its GET says what is wrong.
        if (arriving) load(url(arriving.path, arriving.qs));
        const view = arriving || (now.path === shown.path ? now : shown);
        return { path: config.root + view.path, qs: view.qs };
      },
      navigate(message) {
        // ember-navigate: push_patch, push_navigate (live within the group) or redirect.
        const to = split(message.to);
        if (message.kind === "patch") {
          // To the URL shown (a double click's second push_patch): no second entry.
          const next = href(to.path, to.qs);
          const parsed = new URL(next, loc.href); // encoded as the browser shows it
          const again = parsed.pathname + parsed.search === loc.pathname + loc.search;
          history[message.replace || again ? "replaceState" : "pushState"]({ ember: true }, "", next);
          shown = to;
        } else if (message.kind === "navigate" && (config.live || []).indexOf(to.path) >= 0) go(Object.assign(to, { how: "push", flash: message.flash }));
        else load(message.to, message.flash);
      },
      receive(message) {
        // True when the message is handled here.
        const type = message.type;
        if (type === "ember-view") {
          Object.assign(config, message.config);
          arriving = Object.assign({ how: "replace" }, asked || shown, { title: message.title });
          asked = null;
          return true;
        }
        if (type === "layout-update") {
          const view = arriving;
          rendered = view ? view.path : shown.path; // a reconnect mounts the view shown
          if (view) {
            host.textContent = ""; // the new view is built, not adopted
            client.forget();
          } else if (asked) waiting = waiting || asked; // reconnected before the answer: ask again
          arriving = asked = null;
          Promise.resolve().then(() => (view ? arrived(view) : resume())); // once it is live
        }
        return false;
      },
      get rendered() {
        return rendered;
      },
    };
  }

  // -- the connection ----------------------------------------------------------------------------
  function boot(doc) {
    const rootElement = doc.querySelector("[data-ember-root]");
    if (!rootElement) return;
    const config = JSON.parse(rootElement.dataset.emberConfig);
    const host = rootElement.querySelector("[data-ember-live]");
    const loc = doc.defaultView.location;
    let socket = null;
    let open = false;
    let adopted = false;
    let delay = 750;
    let retries = 0;
    let retry = null; // the next attempt to connect, while one waits
    const views = {}; // nested views (protocol 6) by id: {client, host, socket}
    const hostFor = (id) => (views[id] ? views[id].host : null);
    const client = createClient(doc, host, hostFor);
    const unlessLeaving = watchLeaving(doc.defaultView);
    const nav = createNavigation(doc, rootElement, host, config, client, unlessLeaving);
    let heldPath = null; // the app path of the last render adopted (form recovery)

    function setState(state) {
      rootElement.classList.remove("ember-connecting", "ember-connected", "ember-disconnected", "ember-error");
      rootElement.classList.add(`ember-${state}`);
      rootElement.dataset.emberState = state;
    }
    function navigate(message) {
      nav.navigate(message); // live, or a page load: the navigation section
    }
    function prune() {
      // Nested views whose element left the page (the server stops them too).
      for (const id in views) if (!rootElement.contains(views[id].host)) delete views[id];
    }
    function receiveNested(message) {
      // A nested view's message: its own client, in its element (ember.live.live_render).
      const id = message.view;
      const type = message.type;
      if (type === "ember-navigate") return navigate(message);
      let entry = views[id];
      if (type === "ember-event") return (entry ? entry.client : client).serverEvent(message); // its hooks
      if (type === "layout-update") {
        const el = host.querySelector(`[${VIEW}="${id}"]`);
        if (!el) return; // its placeholder is not on the page
        if (!entry || entry.host !== el) entry = views[id] = { client: createClient(doc, el, hostFor), host: el, socket: null };
        else if (entry.socket === socket) entry.client.forget(); // remounted: old events get no answer
        // After a reconnect its forms get back what they held, as the page's do.
        const held = entry.socket && entry.socket !== socket && entry.client.root ? entry.client.formsHeld() : null;
        entry.socket = socket;
        entry.client.adopt(message.model);
        const live = socket;
        entry.client.online((frame) => live.send(JSON.stringify(Object.assign(frame, { view: id }))));
        if (held) entry.client.restoreForms(held);
        return;
      }
      if (!entry) return;
      if (type === "ember-patch") {
        entry.client.apply(message.ops);
        if (message.ack) entry.client.acknowledge(message.ack);
      } else if (type === "ember-ack") entry.client.acknowledge(message.seq);
    }
    function receive(event) {
      const message = JSON.parse(event.data);
      if (message.view) return receiveNested(message);
      if (nav.receive(message)) return;
      const type = message.type;
      if (type === "ember-patch") {
        client.apply(message.ops);
        if (message.ack) client.acknowledge(message.ack);
        prune();
      } else if (type === "ember-ack") client.acknowledge(message.seq);
      else if (type === "layout-update") {
        // Form recovery: a new render of the page the forms were on (a reconnect), never
        // of another page (a navigation), whose forms may share ids with these.
        // (A live navigation changes the URL only once its render is adopted: the path
        // compared is the navigation's, which knows what each render is of.)
        const held = client.root && heldPath === nav.rendered ? client.formsHeld() : null;
        heldPath = nav.rendered;
        client.adopt(message.model);
        prune();
        adopted = true;
        setState("connected");
        const live = socket;
        client.online((frame) => live.send(JSON.stringify(frame)));
        if (held) client.restoreForms(held);
      } else if (type === "ember-navigate") navigate(message);
      else if (type === "ember-event") client.serverEvent(message);
    }
    function connect() {
      retry = null;
      const url = new URL(`${config.pathPrefix}${config.componentPath}`, loc.href);
      url.protocol = loc.protocol === "https:" ? "wss:" : "ws:";
      const at = nav.where();
      url.searchParams.set("path", at.path);
      if (at.qs) url.searchParams.set("qs", at.qs);
      url.searchParams.set("protocol", String(PROTOCOL));
      socket = new WebSocket(url);
      socket.onopen = () => {
        open = true;
        delay = 750;
        retries = 0;
      };
      socket.onmessage = receive;
      socket.onclose = (event) => closed(event.code);
    }
    function closed(code) {
      open = false;
      adopted = false;
      client.offline();
      for (const id in views) views[id].client.offline();
      if (RELOAD_CODES.indexOf(code) >= 0) {
        unlessLeaving(() => loc.reload());
        return;
      }
      if (retries >= 150) {
        setState("error");
        return;
      }
      setState(code >= 4000 ? "error" : "disconnected");
      retries++;
      retry = setTimeout(connect, delay);
      delay = Math.min(delay * 1.5, 15000);
    }
    // The browser knows the network is gone before the socket does (a connection whose
    // network went away can look open for minutes, and events sent on it go nowhere): drop
    // the socket, so the page says it is disconnected and events wait for the next one.
    // When the network is back, connect at once rather than at the next backoff step.
    const win = doc.defaultView;
    win.addEventListener("offline", () => {
      if (!socket || socket.readyState > 1) return; // CONNECTING or OPEN only
      const gone = socket;
      gone.onclose = gone.onmessage = null;
      gone.close();
      closed(1006);
    });
    win.addEventListener("online", () => {
      if (open || retry === null) return; // live, connecting, or given up
      clearTimeout(retry);
      delay = 750;
      connect();
    });
    setState("connecting");
    connect();
  }

  return { boot, createClient, decode, htmlName, htmlValue, appPath, liveLink, hooks, ext };
});
