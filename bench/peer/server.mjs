// PostGraphile 5 serving one PostgreSQL database, as the benchmark's peer.
//
//   node server.mjs <database URL> <port>
//
// The Amber preset with its default inflection, the `public` schema, no watch mode,
// no GraphiQL, no explain, plus the connection-filter plugin: the usual way to give
// PostGraphile's lists range conditions (dates overlapping a quarter, `isNull`, `in`),
// which its own `condition` argument (equality only) cannot express. By default
// PostGraphile offers filters and orders only on indexed columns; the benchmark's
// queries filter and order on a few unindexed ones (archived_at, start_date), as
// Throughline's own queries do, so that restriction is turned off. It changes which
// fields the schema has, not the SQL a query sends. GET /statements answers the number of SQL statements the
// server has sent to PostgreSQL since it started (counted on every pooled connection),
// so the benchmark can read the statements of one request as a difference.
import { createServer } from "node:http";

import pg from "pg";
import { postgraphile } from "postgraphile";
import { makePgService } from "postgraphile/adaptors/pg";
import { grafserv } from "postgraphile/grafserv/node";
import { PostGraphileAmberPreset } from "postgraphile/presets/amber";
import { PostGraphileConnectionFilterPreset } from "postgraphile-plugin-connection-filter";

const [databaseUrl, port] = process.argv.slice(2);
if (!databaseUrl || !port) {
  console.error("usage: node server.mjs <database URL> <port>");
  process.exit(2);
}

let statements = 0;
const pool = new pg.Pool({ connectionString: databaseUrl, max: 10 });
pool.on("connect", (client) => {
  const query = client.query;
  client.query = function countedQuery(...args) {
    statements += 1;
    return query.apply(this, args);
  };
});

const preset = {
  extends: [PostGraphileAmberPreset, PostGraphileConnectionFilterPreset],
  disablePlugins: ["PgIndexBehaviorsPlugin"],
  // A task's team is its own, else its campaign's, else its goal's: filtering on it
  // needs conditions across foreign keys.
  schema: { connectionFilterRelations: true },
  pgServices: [makePgService({ pool, schemas: ["public"], pubsub: false })],
  grafserv: { graphiql: false, watch: false },
  grafast: { explain: false },
};

const pgl = postgraphile(preset);
const serv = pgl.createServ(grafserv);
const handler = serv.createHandler();
await pgl.getSchema();

const server = createServer((req, res) => {
  if (req.method === "GET" && req.url === "/statements") {
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify({ statements }));
    return;
  }
  handler(req, res);
});
server.listen({ host: "127.0.0.1", port: Number(port) }, () => {
  console.log(`PostGraphile listening on http://127.0.0.1:${port}/graphql`);
});

const stop = async () => {
  server.close();
  await pgl.release();
  await pool.end();
  process.exit(0);
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
