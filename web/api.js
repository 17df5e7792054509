// Every GraphQL call of the client, and the session behind them.
//
// No script keeps a token anywhere a script can read it later. The access token and the
// signed-in user live in memory only; the refresh token lives in an HttpOnly cookie that
// the server sets and sends only to /auth. Signing in hands login's refresh token to
// POST /auth/session, which spends it and sets the cookie; POST /auth/refresh turns the
// cookie into a new access token, a minute before the current one expires, once more
// when the server answers UNAUTHENTICATED, and on a reload. Tabs share the cookie, so a
// refresh is serialised across them with a Web Lock: a refresh token presented twice
// ends the whole session.

const ENDPOINT = "/graphql";
const AUTH = "/auth";
// Required by /auth: a page on another site cannot send it.
const CLIENT_HEADER = { "X-Throughline-Client": "web" };
const REFRESH_MARGIN_MS = 60_000;

/** A failure the user should read: network, session, permission, conflict, ... */
export class ApiError extends Error {
  constructor(message, code, extensions = {}) {
    super(message);
    this.code = code;
    this.extensions = extensions;
  }
}

const listeners = new Set();
let refreshTimer = null;
let session = null; // {accessToken, accessTokenExpiresAt, user}

/** Called with ("signed-in" | "signed-out" | "session-ended" | "unreachable" | "reachable"). */
export function onSessionChange(listener) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

function emit(kind, detail) {
  for (const listener of listeners) listener(kind, detail);
}

function setSession(next) {
  session = next;
  scheduleRefresh();
}

export function currentUser() {
  return session?.user ?? null;
}

function scheduleRefresh() {
  clearTimeout(refreshTimer);
  if (!session) return;
  const left = Date.parse(session.accessTokenExpiresAt) - Date.now();
  // Half-way through a token that lives less than two margins: refreshing a whole margin
  // early would renew it again at once, and again, in a loop.
  const wait = left - Math.min(REFRESH_MARGIN_MS, left / 2);
  refreshTimer = setTimeout(() => {
    refreshSession(session?.accessToken).catch(() => {});
  }, Math.max(wait, 1_000));
}

function unreachable(response) {
  emit("unreachable");
  return new ApiError(
    response
      ? `The server answered with HTTP ${response.status} instead of data. Try again in a moment.`
      : "The Throughline server cannot be reached. Check your connection and try again.",
    "UNREACHABLE",
  );
}

/** POST `body` as JSON; returns the decoded answer (null when it is empty). */
async function send(url, body, headers) {
  let response;
  try {
    response = await fetch(url, {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "application/json", ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw unreachable();
  }
  if (response.status === 204) {
    emit("reachable");
    return null;
  }
  let payload;
  try {
    payload = await response.json();
  } catch {
    throw unreachable(response);
  }
  emit("reachable");
  return payload;
}

// Queries go out as automatic persisted queries: the SHA-256 of their text first, the
// text itself only when the server answers that it does not know the hash (after a
// restart, on another worker, or once it has forgotten it). The operation's name goes
// along, so a request still says what it asks. Writes are few and go with their text:
// one round trip each, as before. Without Web Crypto (a page not served over HTTPS or
// from localhost) every operation goes with its text.
const hashes = new Map(); // query text -> Promise of its SHA-256 in hexadecimal, or of null

function sha256(text) {
  if (!hashes.has(text)) hashes.set(text, digest(text));
  return hashes.get(text);
}

async function digest(text) {
  if (!globalThis.crypto?.subtle) return null;
  try {
    const bytes = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
    return Array.from(new Uint8Array(bytes), (b) => b.toString(16).padStart(2, "0")).join("");
  } catch {
    return null;
  }
}

async function post(body, token) {
  const headers = token ? { Authorization: `Bearer ${token}` } : {};
  const read = /^\s*(?:\{|query\b\s*(\w*))/.exec(body.query);
  const hash = read ? await sha256(body.query) : null;
  if (!hash) return send(ENDPOINT, body, headers);
  const { query, ...rest } = body;
  const extensions = { persistedQuery: { version: 1, sha256Hash: hash } };
  const named = read[1] ? { operationName: read[1] } : {};
  const payload = await send(ENDPOINT, { ...rest, ...named, extensions }, headers);
  if (payload?.errors?.[0]?.extensions?.code !== "PERSISTED_QUERY_NOT_FOUND") return payload;
  return send(ENDPOINT, { ...body, ...named, extensions }, headers);
}

function firstError(payload) {
  const error = payload?.errors?.[0];
  if (!error) return null;
  const extensions = error.extensions || {};
  return new ApiError(error.message, extensions.code || "ERROR", extensions);
}

const USER_FIELDS = `id name email role teams { id name }`;
const LOGIN = `mutation Login($input: LoginInput!) { login(input: $input) {
  refreshToken user { ${USER_FIELDS} } } }`;
const ME = `{ me { ${USER_FIELDS} } }`;

/** POST to one of the session endpoints; null when there is no session to restore. */
async function auth(path, body, token) {
  const headers = { ...CLIENT_HEADER, ...(token ? { Authorization: `Bearer ${token}` } : {}) };
  const payload = await send(`${AUTH}/${path}`, body, headers);
  const error = firstError(payload);
  if (error) throw error;
  return payload;
}

export async function signIn(email, password) {
  const payload = await post({ query: LOGIN, variables: { input: { email, password } } });
  const error = firstError(payload);
  if (error) throw error;
  const { refreshToken, user } = payload.data.login;
  const { accessToken, accessTokenExpiresAt } = await withLock(
    () => auth("session", { refreshToken }),
  );
  setSession({ accessToken, accessTokenExpiresAt, user });
  emit("signed-in", user);
  return user;
}

export async function signOut() {
  if (session) {
    try {
      const token = await freshToken();
      await withLock(() => auth("logout", undefined, token));
    } catch {
      // Signed out here either way; the server forgets the session when it expires.
    }
  }
  setSession(null);
  emit("signed-out");
}

function withLock(work) {
  if (navigator.locks?.request) return navigator.locks.request("throughline-refresh", work);
  return work();
}

async function refreshSession(staleToken) {
  return withLock(async () => {
    if (!session) throw sessionEnded();
    // Another call in this page may have refreshed while this one waited.
    if (staleToken && session.accessToken !== staleToken) return session.accessToken;
    let renewed = null;
    try {
      renewed = await auth("refresh");
    } catch (error) {
      if (error.code === "UNREACHABLE") throw error;
    }
    if (!renewed) {
      setSession(null);
      throw sessionEnded();
    }
    setSession({ ...session, ...renewed });
    return session.accessToken;
  });
}

function sessionEnded() {
  const error = new ApiError("Your session has ended. Sign in again to go on.", "SESSION_ENDED");
  emit("session-ended");
  return error;
}

async function freshToken() {
  if (!session) throw sessionEnded();
  if (Date.parse(session.accessTokenExpiresAt) - Date.now() < 5_000) {
    return refreshSession(session.accessToken);
  }
  return session.accessToken;
}

/** A current access token for the live connection (web/live.js); refreshed when near expiry. */
export const liveToken = () => freshToken();

/** Run an operation as the signed-in user; returns `data` or throws ApiError. */
async function request(query, variables = {}) {
  const token = await freshToken();
  let payload = await post({ query, variables }, token);
  let error = firstError(payload);
  if (error?.code === "UNAUTHENTICATED") {
    payload = await post({ query, variables }, await refreshSession(token));
    error = firstError(payload);
    if (error?.code === "UNAUTHENTICATED") {
      setSession(null);
      throw sessionEnded();
    }
  }
  if (error) throw error;
  return payload.data;
}

/** Restore the session of an earlier visit from the cookie; the user, or null. */
export async function resumeSession() {
  try {
    const renewed = await withLock(() => auth("refresh"));
    if (!renewed) return null; // no earlier session
    const payload = await post({ query: ME }, renewed.accessToken);
    const error = firstError(payload);
    if (error) throw error;
    setSession({ ...renewed, user: payload.data.me });
    return session.user;
  } catch (error) {
    if (error.code !== "UNREACHABLE") sessionEnded(); // unreachable is said already
    return null;
  }
}

// ---------------------------------------------------------------------------------------
// Fragments

const MONEY = `money { currency budget { amount currency } spendToDate { amount currency }
  projectedSpend { amount currency } leads roi costPerLead { amount currency }
  revenue { amount currency }
  byCurrency { currency budget spendToDate projectedSpend revenue roi }
  reporting { currency budget { amount currency } spendToDate { amount currency }
    projectedSpend { amount currency } costPerLead { amount currency } roi
    ratesUsed { currency date rate } gaps { message } } }`;
const TEAM = `ownerTeam { id name color }`;

const TREE_GOAL = `__typename id title category periodStart periodEnd progress health ${TEAM}
  money { currency budget { amount currency } spendToDate { amount currency }
    byCurrency { currency budget spendToDate }
    reporting { currency budget { amount currency } spendToDate { amount currency } } }
  children(first: 1) { totalCount } keyResults(first: 1) { totalCount }`;
const TREE_KEY_RESULT = `__typename id title progress health
  goal { id ${TEAM} } owner { name }
  campaigns(first: 1) { totalCount } tasks(first: 1) { totalCount }`;
const TREE_CAMPAIGN = `__typename id name progress health status ${TEAM}
  money { currency budget { amount currency } spendToDate { amount currency }
    byCurrency { currency budget spendToDate }
    reporting { currency budget { amount currency } spendToDate { amount currency } } }
  tasks(first: 1) { totalCount }`;
const TREE_TASK = `__typename id title status team { id name color } assignee { name }`;

const PAGE = 50;

// ---------------------------------------------------------------------------------------
// The goal tree, level by level

/** One page of the tree's top level (the objectives, or every goal matching a filter). */
export async function rootGoals(filter = {}, after = null) {
  const hasFilter = Boolean(filter.teams?.length || filter.categories?.length ||
    filter.periodOverlaps);
  const data = await request(
    `query Roots($filter: GoalFilter, $first: Int, $after: String) {
      goals(filter: $filter, first: $first, after: $after, orderBy: {field: TITLE}) {
        totalCount pageInfo { hasNextPage endCursor } nodes { ${TREE_GOAL} } } }`,
    { filter: { rootsOnly: !hasFilter, ...filter }, first: PAGE, after },
  );
  return data.goals;
}

// Where a search result sits: up to three levels of what it serves, nearest last.
const SEARCH_PATH = {
  Goal: `parent { title parent { title parent { title } } }`,
  KeyResult: `goal { title parent { title parent { title } } }`,
  Campaign: `keyResults(first: 1) { nodes { title goal { title } } }`,
  Task: `campaign { name } keyResult { title goal { title } }`,
};

function pathOf(node) {
  const names = [];
  const up = (item) => {
    if (!item) return;
    up(item.parent ?? item.goal ?? null);
    names.push(item.title ?? item.name);
  };
  if (node.__typename === "Goal") up(node.parent);
  else if (node.__typename === "KeyResult") up(node.goal);
  else if (node.__typename === "Campaign") up(node.keyResults?.nodes[0]);
  else up(node.campaign ?? node.keyResult);
  return names;
}

/** Nodes of every kind matching `search`, of `team` when given, each with its `path`. */
export async function searchTree(search, team = null) {
  const teams = team ? [team] : null;
  const data = await request(
    `query Search($search: String!, $first: Int, $teams: [ID!]) {
      goals(filter: {search: $search, teams: $teams}, first: $first) { totalCount
        nodes { ${TREE_GOAL} ${SEARCH_PATH.Goal} } }
      keyResults(filter: {search: $search, teams: $teams}, first: $first) { totalCount
        nodes { ${TREE_KEY_RESULT} ${SEARCH_PATH.KeyResult} } }
      campaigns(filter: {search: $search, teams: $teams}, first: $first) { totalCount
        nodes { ${TREE_CAMPAIGN} ${SEARCH_PATH.Campaign} } }
      tasks(filter: {search: $search, teams: $teams}, first: $first) { totalCount
        nodes { ${TREE_TASK} ${SEARCH_PATH.Task} } }
    }`,
    { search, first: 20, teams },
  );
  const found = [...data.goals.nodes, ...data.keyResults.nodes, ...data.campaigns.nodes,
    ...data.tasks.nodes].map((node) => ({ ...node, path: pathOf(node) }));
  found.total = data.goals.totalCount + data.keyResults.totalCount + data.campaigns.totalCount
    + data.tasks.totalCount;
  return found;
}

const MORE = `pageInfo { hasNextPage endCursor }`;
// Each connection under a tree node, by the kind of node it hangs from.
const CHILD_CONNECTIONS = {
  children: (after) => `children(first: $first${after}) { ${MORE} nodes { ${TREE_GOAL} } }`,
  keyResults: (after) => `keyResults(first: $first${after}) { ${MORE} nodes { ${TREE_KEY_RESULT} } }`,
  campaigns: (after) => `campaigns(first: $first${after}) { ${MORE}
    edges { share node { ${TREE_CAMPAIGN} } } }`,
  tasks: (after) => `tasks(first: $first${after}) { ${MORE} nodes { ${TREE_TASK} } }`,
};
const CHILD_KINDS = {
  Goal: ["children", "keyResults"],
  KeyResult: ["campaigns", "tasks"],
  Campaign: ["tasks"],
};

function childrenOf(node, connections) {
  const out = [];
  out.more = [];
  for (const name of connections) {
    const connection = node[name];
    if (!connection) continue;
    if (connection.edges) out.push(...connection.edges.map((e) => ({ ...e.node, share: e.share })));
    else out.push(...connection.nodes);
    if (connection.pageInfo?.hasNextPage) {
      out.more.push({ connection: name, after: connection.pageInfo.endCursor });
    }
  }
  return out;
}

/**
 * The next level under a tree node: child goals and key results, campaigns, or tasks, a
 * page of each; `.more` lists the connections with more to load ({connection, after}).
 */
export async function treeChildren(id) {
  const data = await request(
    `query Children($id: ID!, $first: Int) { node(id: $id) { __typename
      ... on Goal { ${CHILD_CONNECTIONS.children("")} ${CHILD_CONNECTIONS.keyResults("")} }
      ... on KeyResult { ${CHILD_CONNECTIONS.campaigns("")} ${CHILD_CONNECTIONS.tasks("")} }
      ... on Campaign { ${CHILD_CONNECTIONS.tasks("")} }
    } }`,
    { id, first: PAGE },
  );
  if (!data.node) return Object.assign([], { more: [] });
  return childrenOf(data.node, CHILD_KINDS[data.node.__typename] ?? []);
}

/** The next page of one connection under a tree node of kind `kind`. */
export async function treeChildrenMore(id, kind, { connection, after }) {
  const data = await request(
    `query MoreChildren($id: ID!, $first: Int, $after: String) { node(id: $id) {
      ... on ${kind} { ${CHILD_CONNECTIONS[connection](", after: $after")} } } }`,
    { id, first: PAGE, after },
  );
  return data.node ? childrenOf(data.node, [connection]) : Object.assign([], { more: [] });
}

/** Every page of a connection: `query` takes $after and answers {pageInfo, nodes}. */
async function allPages(query, pick, variables = {}) {
  const out = [];
  let after = null;
  for (;;) {
    const page = pick(await request(query, { ...variables, after }));
    out.push(...page.nodes);
    if (!page.pageInfo.hasNextPage) return out;
    after = page.pageInfo.endCursor;
  }
}

// ---------------------------------------------------------------------------------------
// One node in detail

const LABEL = `fragment Label on Node { __typename id
  ... on Goal { title } ... on KeyResult { title } ... on Campaign { name }
  ... on Task { title } ... on Milestone { title } ... on User { name } ... on Team { name } }`;
const RISK_NODES = `nodes { kind severity message node { __typename id ...Label } }`;

// The lists of the detail panel, by the kind of node they hang from: the page size each
// starts with and what each row holds. Lists marked `older` read from the end backwards
// (the latest check-ins first); the rest from the start. Every one says how many rows it
// has in all, so the panel can say "50 of 312" and load the next page of that one list.
const TITLED = `nodes { __typename id title }`; // goals, key results, tasks, milestones
const DETAIL_LISTS = {
  Goal: {
    children: { page: 50, rows: TITLED },
    keyResults: { page: 50, rows: TITLED },
    risks: { page: 20, rows: RISK_NODES },
  },
  KeyResult: {
    checkIns: { page: 100, older: true,
      rows: `nodes { value note checkedInAt author { name } }` },
    valueHistory: { page: 100, older: true, rows: `nodes { value at }` },
    campaigns: { page: 50, rows: `edges { share node { __typename id name } }` },
    tasks: { page: 50, rows: TITLED },
    risks: { page: 20, rows: RISK_NODES },
  },
  Campaign: {
    keyResults: { page: 50, rows: `edges { share node { __typename id title } }` },
    tasks: { page: 100, rows: TITLED },
    milestones: { page: 50, rows: TITLED },
    risks: { page: 20, rows: RISK_NODES },
  },
  Task: { risks: { page: 20, rows: RISK_NODES } },
};
// Only the half of pageInfo a list pages by: the field count of a query is bounded.
const FORWARD = `pageInfo { hasNextPage endCursor }`;
const BACKWARD = `pageInfo { hasPreviousPage startCursor }`;

/** One list's selection; `paged` takes the cursor from `$cursor`. */
function detailList(kind, name, paged = false) {
  const { page, older, rows } = DETAIL_LISTS[kind][name];
  const size = older ? `last: ${page}` : `first: ${page}`;
  const cursor = paged ? `, ${older ? "before" : "after"}: $cursor` : "";
  return `${name}(${size}${cursor}) { totalCount ${older ? BACKWARD : FORWARD} ${rows} }`;
}

const detailLists = (kind) => Object.keys(DETAIL_LISTS[kind])
  .map((name) => detailList(kind, name)).join("\n        ");

/**
 * The next page of one list of the detail panel (`name` of DETAIL_LISTS[kind]): the page
 * after `cursor`, or before it for the lists read backwards. The connection, or null
 * when the node is gone.
 */
export async function detailListMore(id, kind, name, cursor) {
  const selection = detailList(kind, name, true);
  const data = await request(
    `query DetailListMore($id: ID!, $cursor: String) { node(id: $id) {
      ... on ${kind} { ${selection} } } }
    ${selection.includes("...Label") ? LABEL : ""}`,
    { id, cursor },
  );
  return data.node?.[name] ?? null;
}

/** Whether the list `name` of `kind` reads backwards, from its latest rows. */
export const readsBackwards = (kind, name) => Boolean(DETAIL_LISTS[kind]?.[name]?.older);

export async function nodeDetail(id) {
  const data = await request(
    `query Detail($id: ID!) { node(id: $id) {
      __typename id ... on Permitted { viewerCan { update archive createChildren } }
      ... on Goal { version title description category periodStart periodEnd weight isRoot
        progress attainment expectedProgress health ${TEAM} owner { name } ${MONEY}
        parent { ...Label }
        progressBreakdown { items { node { ...Label } weight progress share contribution counted } }
        ${detailLists("Goal")} }
      ... on KeyResult { version title description unit currency startValue targetValue
        currentValue dueDate weight progress attainment expectedProgress health
        goal { id title ${TEAM} } owner { name } ${MONEY}
        source { kind formula } measurement { reason currency gaps { message } }
        ${detailLists("KeyResult")} }
      ... on Campaign { version name description audience startDate endDate status
        channels progress expectedProgress health ${TEAM} owner { name } ${MONEY}
        progressBreakdown { items { node { ...Label } weight progress share contribution counted } }
        ${detailLists("Campaign")} }
      ... on Milestone { version title description kind milestoneStart: startDate }
      ... on Task { version title description taskStatus: status taskStart: startDate
        taskDue: dueDate estimateHours
        team { id name color } assignee { id name }
        campaign { ...Label ownerTeam { id } } keyResult { ...Label goal { id ownerTeam { id } } }
        ${detailLists("Task")} }
    } }
    ${LABEL}`,
    { id },
  );
  const node = data.node;
  if (node?.__typename === "Task") {
    // Aliased in the query: the same names have other types on campaigns and key results.
    node.status = node.taskStatus;
    node.startDate = node.taskStart;
    node.dueDate = node.taskDue;
  }
  // The chart draws the whole history: its earlier pages are read before it is drawn.
  if (node?.__typename === "KeyResult") {
    const points = node.valueHistory;
    while (points.pageInfo.hasPreviousPage) {
      const earlier = await detailListMore(id, "KeyResult", "valueHistory",
        points.pageInfo.startCursor);
      if (!earlier) break;
      points.nodes = [...earlier.nodes, ...points.nodes];
      points.pageInfo = earlier.pageInfo;
    }
  }
  return node;
}

export async function trace(id) {
  const data = await request(
    `query Trace($id: ID!) { trace(id: $id) { aligned
      paths { share objective { id title } nodes { ...Label } } } }
    ${LABEL}`,
    { id },
  );
  return data.trace;
}

export async function teams() {
  return allPages(`query Teams($after: String) { teams(first: 100, after: $after) {
    ${MORE} nodes { id name color } } }`, (data) => data.teams);
}

export async function users() {
  return allPages(`query Users($after: String) { users(first: 100, after: $after) {
    ${MORE} nodes { id name teams { id } } } }`, (data) => data.users);
}

/**
 * One page of risks (most severe first) from `after`, and how many there are of each
 * severity under the same filter (`counts`: {CRITICAL, HIGH, MEDIUM, LOW}).
 */
export async function risks(filter = {}, { first = 50, after = null } = {}) {
  const { severity, ...rest } = filter;
  const data = await request(
    `query Risks($filter: RiskFilter, $rest: RiskFilter, $first: Int, $after: String,
      $critical: RiskFilter, $high: RiskFilter, $medium: RiskFilter) {
      risks(filter: $filter, first: $first, after: $after) { totalCount ${MORE}
        nodes { kind severity message figures { name value }
          node { ...Label } related { ...Label } } }
      all: risks(filter: $rest, first: 0) { totalCount }
      critical: risks(filter: $critical, first: 0) { totalCount }
      high: risks(filter: $high, first: 0) { totalCount }
      medium: risks(filter: $medium, first: 0) { totalCount } }
    ${LABEL}`,
    { filter, rest, first, after, critical: { ...rest, severity: "CRITICAL" },
      high: { ...rest, severity: "HIGH" }, medium: { ...rest, severity: "MEDIUM" } },
  );
  // The severity filter means "at least": each count is a difference of two of them.
  const atLeast = [data.critical, data.high, data.medium, data.all].map((c) => c.totalCount);
  return { ...data.risks, counts: { CRITICAL: atLeast[0], HIGH: atLeast[1] - atLeast[0],
    MEDIUM: atLeast[2] - atLeast[1], LOW: atLeast[3] - atLeast[2] } };
}

// ---------------------------------------------------------------------------------------
// Writes. Each returns {object, userErrors}; a CONFLICT comes back as ApiError.

async function write(mutation, field, objectField, input) {
  const data = await request(mutation, { input });
  const payload = data[field];
  return { object: payload[objectField], userErrors: payload.userErrors };
}

const ERRORS = `userErrors { field code message }`;

export function checkIn(input) {
  return write(
    `mutation CheckIn($input: KeyResultCheckInInput!) { keyResultCheckIn(input: $input) {
      keyResult { id version currentValue progress health } ${ERRORS} } }`,
    "keyResultCheckIn", "keyResult", input,
  );
}

export function updateTask(input) {
  return write(
    `mutation TaskUpdate($input: TaskUpdateInput!) { taskUpdate(input: $input) {
      task { id version status assignee { id name } } ${ERRORS} } }`,
    "taskUpdate", "task", input,
  );
}

export function updateCampaign(input) {
  return write(
    `mutation CampaignUpdate($input: CampaignUpdateInput!) { campaignUpdate(input: $input) {
      campaign { id version startDate endDate } ${ERRORS} } }`,
    "campaignUpdate", "campaign", input,
  );
}

export async function campaignVersion(id) {
  const data = await request(
    `query Version($id: ID!) { node(id: $id) { ... on Campaign { version startDate endDate } } }`,
    { id },
  );
  return data.node;
}

// ---------------------------------------------------------------------------------------
// The shared calendar

export async function goalOptions() {
  return allPages(`query GoalOptions($after: String) {
    goals(first: 100, after: $after, orderBy: {field: TITLE}) {
      ${MORE} nodes { id title parent { id } } } }`, (data) => data.goals);
}

/** One page of the calendar's entries (the page after `after`); the clashes and their
 * counts by rule and severity come with the first page only. */
export async function calendar(from, to, timeZone, filter, after = null) {
  const data = await request(
    `query Calendar($from: Date!, $to: Date!, $timeZone: String!, $filter: CalendarFilter,
      $after: String, $withClashes: Boolean!) {
      calendar(from: $from, to: $to, timeZone: $timeZone, filter: $filter) {
        timeZone
        entries(first: 100, after: $after) { totalCount pageInfo { hasNextPage endCursor }
          nodes { ...Entry } }
        conflictGroups @include(if: $withClashes) { rule severity count }
        conflicts @include(if: $withClashes) { rule severity startDate endDate message
          entries { id title } }
      } }
    fragment Entry on CalendarEntry { id title description kind allDay startDate endDate
      startsAt endsAt color team { id name } node { __typename id }
      objectives { id title } channels audience blocking externalCalendar location }`,
    { from, to, timeZone, filter, after, withClashes: after == null },
  );
  return data.calendar;
}

export async function createFeed(name, filter) {
  const data = await request(
    `mutation Feed($input: CalendarFeedCreateInput!) { calendarFeedCreate(input: $input) {
      url calendarFeed { id name filterDescription } ${ERRORS} } }`,
    { input: { name, filter } },
  );
  return data.calendarFeedCreate;
}

// ---------------------------------------------------------------------------------------
// Exports: GET /export/<kind>.<format>, sent with the access token like every request
// (the session cookie goes only to /auth), then handed to the browser as a download.

function exportPath(kind, format, params) {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    for (const each of [].concat(value ?? [])) {
      if (each !== "" && each !== false) query.append(name, String(each));
    }
  }
  const text = query.toString();
  return `/export/${encodeURIComponent(kind)}.${encodeURIComponent(format)}${text ? `?${text}` : ""}`;
}

async function getFile(path, token) {
  try {
    return await fetch(path, { headers: { Authorization: `Bearer ${token}` } });
  } catch {
    throw unreachable();
  }
}

function filenameOf(disposition) {
  const found = /filename="([^"]+)"/.exec(disposition ?? "");
  return found ? found[1] : null;
}

/** Download an export; resolves to {name, size} once the browser has the file. */
export async function downloadExport(kind, format, params = {}) {
  const path = exportPath(kind, format, params);
  const token = await freshToken();
  let response = await getFile(path, token);
  if (response.status === 401) response = await getFile(path, await refreshSession(token));
  if (!response.ok) {
    let error = null;
    try {
      error = firstError(await response.json());
    } catch {
      // not a JSON refusal
    }
    if (response.status === 401) {
      setSession(null);
      throw sessionEnded();
    }
    throw error ?? unreachable(response);
  }
  const blob = await response.blob();
  const name = filenameOf(response.headers.get("Content-Disposition")) ?? `throughline-${kind}.${format}`;
  const url = URL.createObjectURL(blob);
  const link = document.createElement("a");
  link.href = url;
  link.download = name;
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
  return { name, size: blob.size };
}

/** The fiscal years and quarters that hold work, for the period filter. */
export async function fiscalPeriods() {
  const data = await request(`{ fiscalPeriods { name kind start end } }`);
  return data.fiscalPeriods;
}

// Status updates (web/components/status/status.js).
const STATUS_UPDATE = `id health computedHealth healthDisagrees bodyHtml postedAt author { name }`;

export async function statusUpdates(id) {
  const data = await request(`query StatusUpdates($id: ID!) { node(id: $id) {
    ... on Goal { health healthDisagrees latestStatusUpdate { ${STATUS_UPDATE} } }
    ... on KeyResult { health healthDisagrees latestStatusUpdate { ${STATUS_UPDATE} } }
    ... on Campaign { health healthDisagrees latestStatusUpdate { ${STATUS_UPDATE} } }
  } }`, { id });
  return data.node;
}

export function postStatusUpdate(input) {
  return write(
    `mutation PostStatusUpdate($input: StatusUpdatePostInput!) {
      statusUpdatePost(input: $input) { statusUpdate { ${STATUS_UPDATE} } ${ERRORS} } }`,
    "statusUpdatePost", "statusUpdate", input,
  );
}

// ---------------------------------------------------------------------------------------
// Creating, editing, archiving (web/components/forms), history, feeds, imported calendars.
// What the user may do comes from the server (`viewerCan`), never from a copy of its rules.

const CAN = `viewerCan { update archive createChildren }`;

export async function viewerCan() {
  const data = await request(`{ viewerCan { createGoals createCampaigns
    manageExternalCalendars manageOrganisation } }`);
  return data.viewerCan;
}

/** What a form needs of an object: its editable fields, its version and its abilities. */
export async function editable(id) {
  const data = await request(
    `query Editable($id: ID!) { node(id: $id) { __typename id
      ... on Goal { version archivedAt ${CAN} title description category periodStart periodEnd
        weight ownerTeam { id } parent { id } }
      ... on KeyResult { version archivedAt ${CAN} title description unit currency startValue
        targetValue dueDate weight goal { id title periodStart } }
      ... on Campaign { version archivedAt ${CAN} name description audience startDate endDate
        status channels budget { amount currency }
        ownerTeam { id } alignments { share keyResult { id title goal { title } } } }
      ... on Task { version archivedAt ${CAN} title description taskStatus: status
        taskStart: startDate taskDue: dueDate estimateHours taskTeam: team { id } campaign { id }
        keyResult { id } assignee { id } }
      ... on Milestone { version archivedAt ${CAN} title description kind
        milestoneStart: startDate milestoneEnd: endDate milestoneTeam: team { id } campaign { id }
        keyResult { id } }
    } }`,
    { id },
  );
  // Aliased in the query: the same names have other types on campaigns and key results.
  const node = data.node;
  const renamed = { taskStatus: "status", taskStart: "startDate", taskDue: "dueDate",
    milestoneStart: "startDate", milestoneEnd: "endDate", taskTeam: "team",
    milestoneTeam: "team" };
  for (const [alias, name] of Object.entries(renamed)) {
    if (node && alias in node) node[name] = node[alias];
  }
  return node;
}

/** Run one create, update, archive or restore mutation: {object, userErrors}. */
export async function save(mutation, input) {
  const data = await request(MUTATIONS[mutation], { input });
  const payload = data[mutation];
  const object = Object.entries(payload).find(([key]) => key !== "userErrors")?.[1] ?? null;
  return { object, userErrors: payload.userErrors };
}

const SAVED = `__typename id version archivedAt ${CAN}`;
const MUTATIONS = Object.fromEntries([
  ["goalCreate", "GoalCreateInput", "goal"], ["goalUpdate", "GoalUpdateInput", "goal"],
  ["goalArchive", "GoalArchiveInput", "goal"],
  ["keyResultCreate", "KeyResultCreateInput", "keyResult"],
  ["keyResultUpdate", "KeyResultUpdateInput", "keyResult"],
  ["keyResultArchive", "KeyResultArchiveInput", "keyResult"],
  ["campaignCreate", "CampaignCreateInput", "campaign"],
  ["campaignUpdate", "CampaignUpdateInput", "campaign"],
  ["campaignArchive", "CampaignArchiveInput", "campaign"],
  ["campaignSetAlignments", "CampaignSetAlignmentsInput", "campaign"],
  ["taskCreate", "TaskCreateInput", "task"], ["taskUpdate", "TaskUpdateInput", "task"],
  ["taskArchive", "TaskArchiveInput", "task"],
  ["milestoneCreate", "MilestoneCreateInput", "milestone"],
  ["milestoneUpdate", "MilestoneUpdateInput", "milestone"],
  ["milestoneArchive", "MilestoneArchiveInput", "milestone"],
  ["campaignSpendAdd", "CampaignSpendAddInput", "spendEntry"],
  ["campaignResultAdd", "CampaignResultAddInput", "resultEntry"],
  ["nodeUnarchive", "NodeUnarchiveInput", "node"],
].map(([name, input, field]) => {
  const selection = {
    node: `__typename id ... on Versioned { version archivedAt } ... on Permitted { ${CAN} }`,
    spendEntry: "id version",
    resultEntry: "id version",
  }[field] ?? SAVED;
  return [name, `mutation ${name[0].toUpperCase()}${name.slice(1)}($input: ${input}!) {
    ${name}(input: $input) { ${field} { ${selection} } ${ERRORS} } }`];
}));

/** Choices for the forms' selects: every team and every user (key results, which may be
 * thousands, are searched as the user types: `searchKeyResults`). */
export async function formChoices() {
  const [teamRows, userRows] = await Promise.all([
    allPages(`query ChoiceTeams($after: String) { teams(first: 100, after: $after) {
      ${MORE} nodes { id name } } }`, (data) => data.teams),
    allPages(`query ChoiceUsers($after: String) { users(first: 100, after: $after) {
      ${MORE} nodes { id name } } }`, (data) => data.users),
  ]);
  return { teams: teamRows, users: userRows };
}

/** Live key results whose title or description holds every word of `search`, by title: the
 * first `first` of them and how many match in all. */
export async function searchKeyResults(search, first = 20) {
  const data = await request(
    `query KeyResultChoices($filter: KeyResultFilter, $first: Int) {
      keyResults(filter: $filter, first: $first, orderBy: {field: TITLE}) { totalCount
        nodes { id title goal { title } } } }`,
    { filter: search ? { search } : {}, first },
  );
  return data.keyResults;
}

/** One page of a node's recorded changes, newest last: the latest `last`, or those just
 * before `before`. Null when the node is gone. */
export async function history(id, before = null, last = 50) {
  const data = await request(
    `query History($id: ID!, $last: Int, $before: String) { node(id: $id) { id
      history(last: $last, before: $before) { totalCount
        pageInfo { hasPreviousPage startCursor }
        nodes { at action actor { name } changes { field before after } } } } }`,
    { id, last, before },
  );
  return data.node?.history ?? null;
}

export async function myFeeds() {
  return allPages(`query MyFeeds($after: String) {
    calendarFeeds(first: 100, after: $after, includeRevoked: true) {
      ${MORE} nodes { id version name filterDescription revoked createdAt } } }`,
  (data) => data.calendarFeeds);
}

export async function revokeFeed(id, version) {
  const data = await request(
    `mutation Revoke($input: CalendarFeedRevokeInput!) { calendarFeedRevoke(input: $input) {
      calendarFeed { id revoked } ${ERRORS} } }`,
    { input: { id, version } },
  );
  return data.calendarFeedRevoke;
}

const EXTERNAL = `id version name url blocking color refreshMinutes refreshedAt lastError
  eventCount archivedAt`;

export async function externalCalendars() {
  return allPages(`query ExternalCalendars($after: String) {
    externalCalendars(first: 100, after: $after) { ${MORE} nodes { ${EXTERNAL} } } }`,
  (data) => data.externalCalendars);
}

export async function externalCalendarWrite(mutation, input) {
  const inputType = `${mutation[0].toUpperCase()}${mutation.slice(1)}Input`;
  const data = await request(
    `mutation ExternalCalendarWrite($input: ${inputType}!) { ${mutation}(input: $input) {
      externalCalendar { ${EXTERNAL} } ${ERRORS} } }`,
    { input },
  );
  return data[mutation];
}

// The Money view (web/components/money/money.js): a period's portfolio, converted into the
// reporting currency, with each currency's own amounts for the detail.
const PORTFOLIO_FIGURES = `currency leads
  spendToDate { amount currency } projectedSpend { amount currency }
  revenue { amount currency } costPerLead { amount currency } roi
  byCurrency { currency budget spendToDate projectedSpend revenue roi }
  reporting { currency complete budget { amount currency } spendToDate { amount currency }
    projectedSpend { amount currency } revenue { amount currency }
    costPerLead { amount currency } roi gaps { message } }`;
const PORTFOLIO_MONEY = `budget { amount currency } ${PORTFOLIO_FIGURES}`;

export async function portfolio(period) {
  const data = await request(
    `query Portfolio($period: DateRange!) { portfolio(period: $period) {
      start end campaigns total { ${PORTFOLIO_MONEY} }
      byTeam { team { id name color } money { ${PORTFOLIO_MONEY} } }
      byChannel { channel ${PORTFOLIO_FIGURES} }
      byCategory { category money { ${PORTFOLIO_MONEY} } } } }`,
    { period },
  );
  return data.portfolio;
}

// ---------------------------------------------------------------------------------------
// Workload: hours booked against capacity, week by week, for teams and their people.

const WORKLOAD_WEEKS = `workload(from: $from, to: $to) { capacityHours bookedHours
  weeks { weekStart weekEnd capacityHours bookedHours utilisation overbooked } }`;

/** Every team and every person with their weeks from `from` to `to` (ISO dates). */
export async function workloadGrid(from, to) {
  const [teamRows, people] = await Promise.all([
    allPages(`query WorkloadTeams($after: String, $from: Date!, $to: Date!) {
      teams(first: 50, after: $after) { ${MORE} nodes { id name color ${WORKLOAD_WEEKS} } } }`,
    (data) => data.teams, { from, to }),
    allPages(`query WorkloadPeople($after: String, $from: Date!, $to: Date!) {
      users(first: 50, after: $after) { ${MORE} nodes { id name teams { id }
        weeklyCapacityHours ${WORKLOAD_WEEKS} } } }`,
    (data) => data.users, { from, to }),
  ]);
  return { teams: teamRows, people };
}

/** The tasks booking hours in one week of a team's or a person's workload. */
export async function workloadTasks(id, weekStart, weekEnd) {
  const data = await request(
    `query WorkloadTasks($id: ID!, $from: Date!, $to: Date!) { node(id: $id) {
      __typename id ... on Team { name workload(from: $from, to: $to) { ...WeekTasks } }
      ... on User { name workload(from: $from, to: $to) { ...WeekTasks } } } }
    fragment WeekTasks on Workload { weeks { weekStart capacityHours bookedHours overbooked
      tasks { hours estimated task { id title dueDate status } } } }`,
    { id, from: weekStart, to: weekEnd },
  );
  return data.node;
}

// ---------------------------------------------------------------------------------------
// The overview (web/components/home): changes to work since the last visit.

/** Changes recorded after `since` (ISO instant), newest first, each with its `node`, and
 * how many there are in all. */
export async function changesSince(since, first = 20) {
  const data = await request(
    `query ChangesSince($since: DateTime!, $first: Int) {
      recentChanges(since: $since, first: $first) { totalCount
        nodes { at action actor { name } changes { field } node { ...Label } } } }
    ${LABEL}`,
    { since, first },
  );
  const { totalCount, nodes } = data.recentChanges;
  return { total: totalCount, changes: nodes.filter((change) => change.node) };
}

// Exchange rates (web/components/admin/rates.js): listed by currency, latest first; set
// and deleted by administrators.
const RATE = "currency quote date rate source updatedAt";

export async function exchangeRates() {
  const organisation = await request("{ organisation { reportingCurrency } }");
  const rates = await allPages(
    `query Rates($after: String) { exchangeRates(first: 100, after: $after) {
      pageInfo { hasNextPage endCursor } nodes { ${RATE} } } }`,
    (data) => data.exchangeRates,
  );
  return { reportingCurrency: organisation.organisation.reportingCurrency, rates };
}

export async function exchangeRateWrite(mutation, input) {
  const inputType = `${mutation[0].toUpperCase()}${mutation.slice(1)}Input`;
  const data = await request(
    `mutation ExchangeRateWrite($input: ${inputType}!) { ${mutation}(input: $input) {
      exchangeRate { ${RATE} } ${ERRORS} } }`,
    { input },
  );
  return data[mutation];
}
