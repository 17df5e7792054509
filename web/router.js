// A small hash router: `#/<view>/<id>?key=value&list=a,b` <-> {view, id, params}.
// Every view and selection lives in the hash, so back/forward and reload keep the place.

export function parse(hash = location.hash) {
  const raw = hash.replace(/^#\/?/, "");
  const [path, query = ""] = raw.split("?");
  const [view = "", ...rest] = path.split("/").filter(Boolean).map(decodeURIComponent);
  const params = Object.fromEntries(new URLSearchParams(query));
  return { view: view || "home", id: rest[0] || null, params };
}

export function format({ view, id = null, params = {} }) {
  const path = id ? `#/${view}/${encodeURIComponent(id)}` : `#/${view}`;
  const query = new URLSearchParams(
    Object.entries(params).filter(([, value]) => value !== "" && value != null),
  ).toString();
  return query ? `${path}?${query}` : path;
}

/** Go to a place; `replace` keeps the history entry (for filter typing, redirects). */
export function navigate(place, { replace = false } = {}) {
  const hash = format(place);
  if (hash === location.hash) return;
  if (replace) {
    history.replaceState(null, "", hash);
    window.dispatchEvent(new HashChangeEvent("hashchange"));
  } else {
    location.hash = hash;
  }
}

/** Update some parameters of the current place, keeping the rest. */
export function patch(changes, options) {
  const place = parse();
  const params = { ...place.params, ...changes };
  navigate({ ...place, params }, options);
}

export function list(value) {
  return value ? value.split(",").filter(Boolean) : [];
}

export function onChange(handler) {
  window.addEventListener("hashchange", () => handler(parse()));
}
