// Applies ember's server→client model changes (protocol 3), exactly as
// ember.live._patch.apply_ops does in Python. The tests run both on the same operations.
// A path is a list of steps from the root ([]): an integer n is children[n] of an element,
// a string is a key of an object ("attributes", then an attribute's name).
//   ["s", path, value]          set the place at path; when path ends with an integer, value
//                               is a child (below); [] assigns value's keys onto the root
//   ["c", path, children]       replace the children of the element at path
//   ["i", path, index, children] insert children into the element at path
//   ["d", path, index, count]   delete count of its children
//   ["m", path, from, to]       move one of its children
// A child is a text or an element [tagName, extras, ...children]; extras is 0 or an object
// with the element's other keys, the common ones shortened (a, e, j, s, x, k below).

const LONG = {
  a: "attributes",
  e: "eventHandlers",
  j: "inlineJavaScript",
  s: "importSource",
  x: "error",
  k: "key",
};

// A child in its wire form back as the model ReactPy's client renders.
export function decodeChild(value) {
  if (!Array.isArray(value)) return value;
  const element = { tagName: value[0] };
  if (value.length > 1 && value[1]) {
    for (const [name, extra] of Object.entries(value[1])) element[LONG[name] ?? name] = extra;
  }
  if (value.length > 2) element.children = value.slice(2).map(decodeChild);
  return element;
}

// The node at path; missing objects on the way are created (ReactPy's rule).
function walk(root, path, length) {
  let node = root;
  for (let i = 0; i < length; i++) {
    const step = path[i];
    if (typeof step === "number") {
      node.children ??= [];
      node = node.children[step];
    } else {
      if (!Object.hasOwn(node, step)) node[step] = {};
      node = node[step];
    }
  }
  return node;
}

function set(root, path, value) {
  if (path.length === 0) {
    Object.assign(root, value);
    return;
  }
  const parent = walk(root, path, path.length - 1);
  const last = path[path.length - 1];
  if (typeof last === "number") {
    parent.children ??= [];
    parent.children[last] = decodeChild(value);
  } else {
    parent[last] = value;
  }
}

// ReactPy's client rule for a layout-update (json-pointer's set): "" assigns onto the root,
// otherwise set the JSON pointer, creating missing containers on the way.
export function setPointer(root, pointer, value) {
  if (pointer === "") {
    Object.assign(root, value);
    return;
  }
  const parts = pointer
    .slice(1)
    .split("/")
    .map((token) => token.replace(/~1/g, "/").replace(/~0/g, "~"));
  let node = root;
  for (let i = 0; i < parts.length - 1; i++) {
    const token = parts[i];
    if (!(token in node)) node[token] = /^\d+$/.test(parts[i + 1]) ? [] : {};
    node = node[token];
  }
  node[parts[parts.length - 1]] = value;
}

export function applyOps(root, ops) {
  for (const op of ops) {
    const [kind, path] = op;
    if (kind === "s") {
      set(root, path, op[2]);
      continue;
    }
    const element = walk(root, path, path.length);
    if (kind === "c") {
      element.children = op[2].map(decodeChild);
      continue;
    }
    element.children ??= [];
    const list = element.children;
    if (kind === "i") {
      const tail = list.splice(op[2]);
      for (const value of op[3]) list.push(decodeChild(value));
      for (const value of tail) list.push(value);
    } else if (kind === "d") {
      list.splice(op[2], op[3]);
    } else if (kind === "m") {
      const [item] = list.splice(op[2], 1);
      list.splice(op[3], 0, item);
    } else {
      throw new Error(`Expected an ember-patch op of kind s, c, i, d or m, got ${kind}`);
    }
  }
}
