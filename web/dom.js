// Building elements: user text always goes through textContent, never innerHTML.

/** h("div.card", {attrs}, children...): a tag with optional .classes, attributes, children. */
export function h(spec, attrs = {}, ...children) {
  const [tag, ...classes] = spec.split(".");
  const element = document.createElement(tag || "div");
  if (classes.length) element.className = classes.join(" ");
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === false || value == null) continue;
    if (key.startsWith("on") && typeof value === "function") {
      element.addEventListener(key.slice(2).toLowerCase(), value);
    } else if (key === "dataset") {
      Object.assign(element.dataset, value);
    } else if (key === "style" && typeof value === "object") {
      Object.assign(element.style, value);
    } else if (key in element && typeof value !== "string") {
      element[key] = value;
    } else {
      element.setAttribute(key, value === true ? "" : value);
    }
  }
  append(element, children);
  return element;
}

function append(element, children) {
  for (const child of children.flat(Infinity)) {
    if (child == null || child === false) continue;
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

export function clear(element, ...children) {
  element.replaceChildren();
  append(element, children);
  return element;
}

/** Clone a <template id="..."> of index.html. */
export function template(id) {
  return document.getElementById(id).content.firstElementChild.cloneNode(true);
}

export function spinner(text = "Loading…") {
  return h("p.loading", { role: "status" }, h("span.spinner", { "aria-hidden": "true" }), text);
}

export function empty(text) {
  return h("p.empty", {}, text);
}

export function errorBox(error) {
  return h("p.error", { role: "alert" }, error.message || String(error));
}

/** Show a loading indicator only when the work takes longer than a moment. */
export async function withLoading(container, promise, text) {
  const timer = setTimeout(() => clear(container, spinner(text)), 150);
  try {
    return await promise;
  } finally {
    clearTimeout(timer);
  }
}
