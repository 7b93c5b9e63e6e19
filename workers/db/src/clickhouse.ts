// ClickHouse over HTTP: the connection comes from vars, the password is a secret.
export async function query(env: Env, sql: string): Promise<unknown> {
  const { CLICKHOUSE_URL, CLICKHOUSE_DATABASE, CLICKHOUSE_USERNAME, CLICKHOUSE_PASSWORD } = env;
  const url = new URL(CLICKHOUSE_URL);
  url.searchParams.set("database", CLICKHOUSE_DATABASE);
  url.searchParams.set("default_format", "JSON");
  const answer = await fetch(url, {
    method: "POST",
    body: sql,
    headers: { authorization: `Basic ${btoa(`${CLICKHOUSE_USERNAME}:${CLICKHOUSE_PASSWORD}`)}` },
  });
  return answer.json();
}
