// A small DOM for unit tests of live/static/ember.js under node: nodes, attributes,
// classes, fragments and event listeners on the document; enough for the client, no more.
"use strict";

class Node {
  constructor(doc) {
    this.ownerDocument = doc;
    this.parentNode = null;
    this.childNodes = [];
  }
  get firstChild() {
    return this.childNodes[0] || null;
  }
  get nextSibling() {
    if (!this.parentNode) return null;
    const siblings = this.parentNode.childNodes;
    return siblings[siblings.indexOf(this) + 1] || null;
  }
  insertBefore(node, before) {
    if (node.nodeType === 11) {
      for (const child of node.childNodes.slice()) this.insertBefore(child, before);
      return node;
    }
    if (node.parentNode) node.parentNode.removeChild(node);
    const index = before ? this.childNodes.indexOf(before) : this.childNodes.length;
    if (index < 0) throw new Error("insertBefore: the reference node is not a child");
    this.childNodes.splice(index, 0, node);
    node.parentNode = this;
    return node;
  }
  appendChild(node) {
    return this.insertBefore(node, null);
  }
  removeChild(node) {
    const index = this.childNodes.indexOf(node);
    if (index < 0) throw new Error("removeChild: not a child");
    this.childNodes.splice(index, 1);
    node.parentNode = null;
    return node;
  }
  set textContent(value) {
    for (const child of this.childNodes) child.parentNode = null;
    this.childNodes = [];
    if (value) this.appendChild(this.ownerDocument.createTextNode(value));
  }
}

class Text extends Node {
  constructor(doc, data) {
    super(doc);
    this.nodeType = 3;
    this.nodeName = "#text";
    this.data = data;
  }
  splitText(offset) {
    const rest = new Text(this.ownerDocument, this.data.slice(offset));
    this.data = this.data.slice(0, offset);
    if (this.parentNode) this.parentNode.insertBefore(rest, this.nextSibling);
    return rest;
  }
}

class ClassList {
  constructor(element) {
    this.element = element;
  }
  get names() {
    return (this.element.getAttribute("class") || "").split(/\s+/).filter(Boolean);
  }
  get length() {
    return this.names.length;
  }
  add(name) {
    const names = this.names;
    if (!names.includes(name)) this.element.setAttribute("class", [...names, name].join(" "));
  }
  remove(name) {
    if (this.element.getAttribute("class") === null) return;
    this.element.setAttribute("class", this.names.filter((n) => n !== name).join(" "));
  }
  contains(name) {
    return this.names.includes(name);
  }
}

class Element extends Node {
  constructor(doc, tag) {
    super(doc);
    this.nodeType = 1;
    this.tagName = tag.toUpperCase();
    this.nodeName = this.tagName;
    this._attributes = new Map();
    this.classList = new ClassList(this);
    if (this.tagName === "INPUT" || this.tagName === "TEXTAREA" || this.tagName === "SELECT") {
      this.value = "";
      this.name = "";
      this.type = this.tagName === "INPUT" ? "text" : this.tagName.toLowerCase();
    }
    if (this.tagName === "INPUT") this.checked = false;
  }
  get attributes() {
    return [...this._attributes].map(([name, value]) => ({ name, value }));
  }
  get id() {
    return this.getAttribute("id") || "";
  }
  get dataset() {
    const out = {};
    for (const [name, value] of this._attributes) {
      if (name.startsWith("data-")) out[name.slice(5).replace(/-([a-z])/g, (_, c) => c.toUpperCase())] = value;
    }
    return out;
  }
  getAttribute(name) {
    return this._attributes.has(name) ? this._attributes.get(name) : null;
  }
  setAttribute(name, value) {
    this._attributes.set(name, String(value));
    if (name === "name" && "name" in this) this.name = String(value);
    if (name === "type" && this.tagName === "INPUT") this.type = String(value);
  }
  removeAttribute(name) {
    this._attributes.delete(name);
  }
  get elements() {
    const found = [];
    const walk = (node) => {
      for (const child of node.childNodes) {
        if (child.nodeType !== 1) continue;
        if (["INPUT", "SELECT", "TEXTAREA", "BUTTON"].includes(child.tagName)) found.push(child);
        walk(child);
      }
    };
    walk(this);
    return found;
  }
  get form() {
    let node = this.parentNode;
    while (node && node.tagName !== "FORM") node = node.parentNode;
    return node || null;
  }
  querySelectorAll(selector) {
    const attribute = /^\[([a-z-]+)\]$/.exec(selector)[1];
    const found = [];
    const walk = (node) => {
      for (const child of node.childNodes) {
        if (child.nodeType !== 1) continue;
        if (child._attributes.has(attribute)) found.push(child);
        walk(child);
      }
    };
    walk(this);
    return found;
  }
  get outerHTML() {
    const attributes = [...this._attributes].map(([n, v]) => ` ${n}="${v}"`).join("");
    const tag = this.tagName.toLowerCase();
    return `<${tag}${attributes}>${this.innerHTML}</${tag}>`;
  }
  get innerHTML() {
    return this.childNodes.map((c) => (c.nodeType === 3 ? c.data : c.outerHTML)).join("");
  }
}

class Fragment extends Node {
  constructor(doc) {
    super(doc);
    this.nodeType = 11;
  }
}

class Document {
  constructor() {
    this.listeners = {};
    this.activeElement = null;
    this.defaultView = {};
    this.body = new Element(this, "body");
  }
  createElement(tag) {
    return new Element(this, tag);
  }
  createElementNS(_ns, tag) {
    return new Element(this, tag);
  }
  createTextNode(data) {
    return new Text(this, data);
  }
  createDocumentFragment() {
    return new Fragment(this);
  }
  addEventListener(type, listener) {
    (this.listeners[type] = this.listeners[type] || []).push(listener);
  }
  // Dispatch a plain event object at target: every document listener sees it once.
  fire(type, target, fields = {}) {
    const event = {
      type,
      target,
      defaultPrevented: false,
      stopped: false,
      preventDefault() {
        this.defaultPrevented = true;
      },
      stopPropagation() {
        this.stopped = true;
      },
      ...fields,
    };
    for (const listener of this.listeners[type] || []) listener(event);
    return event;
  }
}

// Build elements from [tag, attributes, ...children] (strings are texts) under parent.
function h(doc, parent, spec) {
  if (typeof spec === "string") return parent.appendChild(doc.createTextNode(spec));
  const [tag, attributes, ...children] = spec;
  const element = parent.appendChild(doc.createElement(tag));
  for (const [name, value] of Object.entries(attributes || {})) element.setAttribute(name, value);
  for (const child of children) h(doc, element, child);
  return element;
}

module.exports = { Document, h };
