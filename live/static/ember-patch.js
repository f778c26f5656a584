// Applies ember's server→client model changes (protocol 2), exactly as
// ember.live._diff.apply_ops does in Python. The tests run both on the same operations.
//   ["s", path, value]          set the JSON pointer (path "" assigns onto the root)
//   ["i", path, index, values]  insert values into the list at path
//   ["d", path, index, count]   delete count items of the list at path
//   ["m", path, from, to]       move one item of the list at path

function tokens(path) {
  if (path === "") return [];
  return path
    .slice(1)
    .split("/")
    .map((token) => token.replace(/~1/g, "/").replace(/~0/g, "~"));
}

function isIndex(token) {
  return /^\d+$/.test(token);
}

// ReactPy's client rule (json-pointer's set): missing containers are created on the way.
export function setPointer(root, path, value) {
  if (path === "") {
    Object.assign(root, value);
    return;
  }
  const parts = tokens(path);
  let node = root;
  for (let i = 0; i < parts.length - 1; i++) {
    const token = parts[i];
    if (!(token in node)) node[token] = isIndex(parts[i + 1]) ? [] : {};
    node = node[token];
  }
  node[parts[parts.length - 1]] = value;
}

function resolveList(root, path) {
  const parts = tokens(path);
  let node = root;
  for (let i = 0; i < parts.length; i++) {
    const token = parts[i];
    if (!(token in node)) node[token] = i === parts.length - 1 || isIndex(parts[i + 1]) ? [] : {};
    node = node[token];
  }
  return node;
}

export function applyOps(root, ops) {
  for (const op of ops) {
    const [kind, path] = op;
    if (kind === "s") {
      setPointer(root, path, op[2]);
      continue;
    }
    const list = resolveList(root, path);
    if (kind === "i") {
      const [, , index, values] = op;
      const tail = list.splice(index);
      for (const value of values) list.push(value);
      for (const value of tail) list.push(value);
    } else if (kind === "d") {
      list.splice(op[2], op[3]);
    } else if (kind === "m") {
      const [item] = list.splice(op[2], 1);
      list.splice(op[3], 0, item);
    } else {
      throw new Error(`Expected an ember-patch op of kind s, i, d or m, got ${kind}`);
    }
  }
}
