// Slims the events ReactPy's client sends. The client serialises an event deeply (a click
// carries the whole pointer event, a keystroke in a form carries every element of the form:
// tens of kB, up to MBs). ember's handlers need a few fields: these are kept, the rest is
// dropped before the frame leaves the browser. Shapes stay as ReactPy makes them, so
// `event["target"]["value"]` and `form_data(event)` work the same.
const EVENT_FIELDS = [
  "type", "key", "code", "altKey", "ctrlKey", "metaKey", "shiftKey", "repeat", "isComposing",
  "button", "buttons", "clientX", "clientY", "offsetX", "offsetY", "pageX", "pageY",
  "deltaX", "deltaY", "deltaMode", "inputType", "data", "timeStamp",
];
const ELEMENT_FIELDS = [
  "tagName", "id", "name", "type", "value", "checked", "selected", "disabled", "multiple",
];
const ELEMENT_KEYS = ["target", "currentTarget", "submitter", "relatedTarget"];

function slimElement(element) {
  if (Array.isArray(element)) return element.map(slimElement); // a form or a select
  if (element === null || typeof element !== "object") return element;
  const slim = {};
  for (const field of ELEMENT_FIELDS) {
    if (field in element) slim[field] = element[field];
  }
  if (element.dataset && typeof element.dataset === "object") slim.dataset = element.dataset;
  if (Array.isArray(element.files)) {
    slim.files = element.files.map((f) => ({ name: f.name, type: f.type, size: f.size }));
  }
  return slim;
}

function slimEvent(event) {
  if (event === null || typeof event !== "object" || Array.isArray(event)) return event;
  if (!("type" in event) || !("isTrusted" in event || "target" in event)) return event;
  const slim = {};
  for (const field of EVENT_FIELDS) {
    if (field in event) slim[field] = event[field];
  }
  for (const key of ELEMENT_KEYS) {
    if (key in event) slim[key] = slimElement(event[key]);
  }
  return slim;
}

export function slimFrame(text) {
  if (typeof text !== "string" || !text.startsWith('{"type":"layout-event"')) return text;
  const frame = JSON.parse(text);
  if (Array.isArray(frame.data)) frame.data = frame.data.map(slimEvent);
  return JSON.stringify(frame);
}
