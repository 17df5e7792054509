// Every GraphQL call of the client, and the session behind them.
//
// The session (tokens and the signed-in user) is kept in localStorage so that a reload
// keeps the place; the access token is refreshed a minute before it expires, and once
// more when the server answers UNAUTHENTICATED. Several tabs share one session: a
// refresh is serialised with a Web Lock and re-reads the stored tokens first, because a
// refresh token presented twice ends the whole session.

const ENDPOINT = "/graphql";
const STORAGE_KEY = "throughline.session";
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

/** Called with ("signed-in" | "signed-out" | "session-ended" | "unreachable" | "reachable"). */
export function onSessionChange(listener) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

function emit(kind, detail) {
  for (const listener of listeners) listener(kind, detail);
}

function readSession() {
  try {
    return JSON.parse(localStorage.getItem(STORAGE_KEY) || "null");
  } catch {
    return null;
  }
}

function writeSession(session) {
  if (session) localStorage.setItem(STORAGE_KEY, JSON.stringify(session));
  else localStorage.removeItem(STORAGE_KEY);
  scheduleRefresh();
}

export function currentUser() {
  return readSession()?.user ?? null;
}

function scheduleRefresh() {
  clearTimeout(refreshTimer);
  const session = readSession();
  if (!session) return;
  const left = Date.parse(session.accessTokenExpiresAt) - Date.now();
  // Half-way through a token that lives less than two margins: refreshing a whole margin
  // early would renew it again at once, and again, in a loop.
  const wait = left - Math.min(REFRESH_MARGIN_MS, left / 2);
  refreshTimer = setTimeout(() => {
    refreshSession().catch(() => {});
  }, Math.max(wait, 1_000));
}

async function post(body, token) {
  const headers = { "Content-Type": "application/json", Accept: "application/json" };
  if (token) headers.Authorization = `Bearer ${token}`;
  let response;
  try {
    response = await fetch(ENDPOINT, { method: "POST", headers, body: JSON.stringify(body) });
  } catch {
    emit("unreachable");
    throw new ApiError(
      "The Throughline server cannot be reached. Check your connection and try again.",
      "UNREACHABLE",
    );
  }
  let payload;
  try {
    payload = await response.json();
  } catch {
    emit("unreachable");
    throw new ApiError(
      `The server answered with HTTP ${response.status} instead of data. Try again in a moment.`,
      "UNREACHABLE",
    );
  }
  emit("reachable");
  return payload;
}

function firstError(payload) {
  const error = payload.errors?.[0];
  if (!error) return null;
  const extensions = error.extensions || {};
  return new ApiError(error.message, extensions.code || "ERROR", extensions);
}

const SESSION_FIELDS = `accessToken accessTokenExpiresAt refreshToken refreshTokenExpiresAt
  user { id name email role teams { id name } }`;

const LOGIN = `mutation Login($input: LoginInput!) { login(input: $input) { ${SESSION_FIELDS} } }`;
const REFRESH = `mutation Refresh($input: RefreshTokenInput!) {
  refreshToken(input: $input) { ${SESSION_FIELDS} } }`;
const LOGOUT = `mutation Logout($input: LogoutInput!) { logout(input: $input) { revokedSessions } }`;

function storeSession(data) {
  const { accessToken, accessTokenExpiresAt, refreshToken, user } = data;
  writeSession({ accessToken, accessTokenExpiresAt, refreshToken, user });
}

export async function signIn(email, password) {
  const payload = await post({ query: LOGIN, variables: { input: { email, password } } });
  const error = firstError(payload);
  if (error) throw error;
  storeSession(payload.data.login);
  emit("signed-in", currentUser());
  return currentUser();
}

export async function signOut() {
  const session = readSession();
  writeSession(null);
  if (session) {
    try {
      await post({ query: LOGOUT, variables: { input: { refreshToken: session.refreshToken } } },
        session.accessToken);
    } catch {
      // Signed out here either way; the server forgets the session when it expires.
    }
  }
  emit("signed-out");
}

function withLock(work) {
  if (navigator.locks?.request) return navigator.locks.request("throughline-refresh", work);
  return work();
}

async function refreshSession(staleToken) {
  return withLock(async () => {
    const session = readSession();
    if (!session) throw sessionEnded();
    // Another tab may have refreshed while this one waited.
    if (staleToken && session.accessToken !== staleToken) return session.accessToken;
    const payload = await post({
      query: REFRESH,
      variables: { input: { refreshToken: session.refreshToken } },
    });
    const error = firstError(payload);
    if (error) {
      writeSession(null);
      throw sessionEnded();
    }
    storeSession(payload.data.refreshToken);
    return readSession().accessToken;
  });
}

function sessionEnded() {
  const error = new ApiError("Your session has ended. Sign in again to go on.", "SESSION_ENDED");
  emit("session-ended");
  return error;
}

/** Run an operation as the signed-in user; returns `data` or throws ApiError. */
async function request(query, variables = {}) {
  let session = readSession();
  if (!session) throw sessionEnded();
  if (Date.parse(session.accessTokenExpiresAt) - Date.now() < 5_000) {
    await refreshSession(session.accessToken);
    session = readSession();
  }
  let payload = await post({ query, variables }, session.accessToken);
  let error = firstError(payload);
  if (error?.code === "UNAUTHENTICATED") {
    const token = await refreshSession(session.accessToken);
    payload = await post({ query, variables }, token);
    error = firstError(payload);
    if (error?.code === "UNAUTHENTICATED") {
      writeSession(null);
      throw sessionEnded();
    }
  }
  if (error) throw error;
  return payload.data;
}

export function resumeSession() {
  scheduleRefresh();
  return currentUser();
}

// ---------------------------------------------------------------------------------------
// Fragments

const MONEY = `money { currency budget { amount currency } spendToDate { amount currency }
  projectedSpend { amount currency } leads roi costPerLead { amount currency }
  byCurrency { currency budget spendToDate projectedSpend revenue roi } }`;
const TEAM = `ownerTeam { id name color }`;

const TREE_GOAL = `__typename id title category periodStart periodEnd progress health ${TEAM}
  money { currency budget { amount currency } spendToDate { amount currency } }
  children(first: 1) { totalCount } keyResults(first: 1) { totalCount }`;
const TREE_KEY_RESULT = `__typename id title progress health
  goal { id ${TEAM} } owner { name }
  campaigns(first: 1) { totalCount } tasks(first: 1) { totalCount }`;
const TREE_CAMPAIGN = `__typename id name progress health status ${TEAM}
  money { currency budget { amount currency } spendToDate { amount currency } }
  tasks(first: 1) { totalCount }`;
const TREE_TASK = `__typename id title status team { id name color } assignee { name }`;

const PAGE = 50;

// ---------------------------------------------------------------------------------------
// The goal tree, level by level

export async function rootGoals(filter = {}) {
  const hasFilter = Boolean(filter.teams?.length || filter.categories?.length ||
    filter.periodOverlaps);
  const data = await request(
    `query Roots($filter: GoalFilter, $first: Int) {
      goals(filter: $filter, first: $first, orderBy: {field: TITLE}) {
        totalCount nodes { ${TREE_GOAL} } } }`,
    { filter: { rootsOnly: !hasFilter, ...filter }, first: PAGE },
  );
  return data.goals;
}

export async function searchTree(search) {
  const data = await request(
    `query Search($search: String!, $first: Int) {
      goals(filter: {search: $search}, first: $first) { nodes { ${TREE_GOAL} } }
      keyResults(filter: {search: $search}, first: $first) { nodes { ${TREE_KEY_RESULT} } }
      campaigns(filter: {search: $search}, first: $first) { nodes { ${TREE_CAMPAIGN} } }
      tasks(filter: {search: $search}, first: $first) { nodes { ${TREE_TASK} } }
    }`,
    { search, first: 20 },
  );
  return [...data.goals.nodes, ...data.keyResults.nodes, ...data.campaigns.nodes,
    ...data.tasks.nodes];
}

/** The next level under a tree node: child goals and key results, campaigns, or tasks. */
export async function treeChildren(id) {
  const data = await request(
    `query Children($id: ID!, $first: Int) { node(id: $id) {
      ... on Goal { children(first: $first) { nodes { ${TREE_GOAL} } }
                    keyResults(first: $first) { nodes { ${TREE_KEY_RESULT} } } }
      ... on KeyResult { campaigns(first: $first) { edges { share node { ${TREE_CAMPAIGN} } } }
                         tasks(first: $first) { nodes { ${TREE_TASK} } } }
      ... on Campaign { tasks(first: $first) { nodes { ${TREE_TASK} } } }
    } }`,
    { id, first: PAGE },
  );
  const node = data.node;
  if (!node) return [];
  const out = [];
  if (node.children) out.push(...node.children.nodes);
  if (node.campaigns) {
    out.push(...node.campaigns.edges.map((edge) => ({ ...edge.node, share: edge.share })));
  }
  if (node.keyResults) out.push(...node.keyResults.nodes);
  if (node.tasks) out.push(...node.tasks.nodes);
  return out;
}

// ---------------------------------------------------------------------------------------
// One node in detail

const RISKS = `risks(first: 20) { totalCount nodes { kind severity message
  node { __typename id ...Label } } }`;
const LABEL = `fragment Label on Node { __typename id
  ... on Goal { title } ... on KeyResult { title } ... on Campaign { name }
  ... on Task { title } ... on Milestone { title } ... on User { name } ... on Team { name } }`;

export async function nodeDetail(id) {
  const data = await request(
    `query Detail($id: ID!) { node(id: $id) {
      __typename id
      ... on Goal { version title description category periodStart periodEnd weight isRoot
        progress attainment expectedProgress health ${TEAM} owner { name } ${MONEY}
        parent { ...Label }
        children(first: 50) { nodes { ...Label } }
        keyResults(first: 50) { nodes { ...Label } }
        progressBreakdown { items { node { ...Label } weight progress share contribution counted } }
        ${RISKS} }
      ... on KeyResult { version title description unit currency startValue targetValue
        currentValue dueDate weight progress attainment expectedProgress health
        goal { id title ${TEAM} } owner { name } ${MONEY}
        checkIns(last: 100) { nodes { value note checkedInAt author { name } } }
        campaigns(first: 50) { edges { share node { ...Label } } }
        tasks(first: 50) { nodes { ...Label } }
        ${RISKS} }
      ... on Campaign { version name description audience startDate endDate status
        channels progress expectedProgress health ${TEAM} owner { name } ${MONEY}
        keyResults(first: 50) { edges { share node { ...Label } } }
        tasks(first: 100) { nodes { ...Label } }
        milestones(first: 50) { nodes { ...Label } }
        progressBreakdown { items { node { ...Label } weight progress share contribution counted } }
        ${RISKS} }
      ... on Task { version title description taskStatus: status taskStart: startDate
        taskDue: dueDate estimateHours
        team { id name color } assignee { id name }
        campaign { ...Label ownerTeam { id } } keyResult { ...Label goal { id ownerTeam { id } } }
        ${RISKS} }
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
  const data = await request(`{ teams(first: 100) { nodes { id name color } } }`);
  return data.teams.nodes;
}

export async function users() {
  const data = await request(`{ users(first: 100) { nodes { id name teams { id } } } }`);
  return data.users.nodes;
}

export async function risks(filter = {}) {
  const data = await request(
    `query Risks($filter: RiskFilter) { risks(filter: $filter, first: 100) { totalCount
      nodes { kind severity message figures { name value }
        node { ...Label } related { ...Label } } } }
    ${LABEL}`,
    { filter },
  );
  return data.risks;
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
  const data = await request(`{ goals(first: 100, orderBy: {field: TITLE}) {
    nodes { id title parent { id } } } }`);
  return data.goals.nodes;
}

export async function calendar(from, to, timeZone, filter) {
  const data = await request(
    `query Calendar($from: Date!, $to: Date!, $timeZone: String!, $filter: CalendarFilter) {
      calendar(from: $from, to: $to, timeZone: $timeZone, filter: $filter) {
        timeZone
        entries(first: 100) { totalCount nodes { ...Entry } }
        conflicts { rule severity startDate endDate message entries { id title } }
      } }
    fragment Entry on CalendarEntry { id title description kind allDay startDate endDate
      startsAt endsAt color team { id name } node { __typename id }
      objectives { id title } channels audience blocking externalCalendar location }`,
    { from, to, timeZone, filter },
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
