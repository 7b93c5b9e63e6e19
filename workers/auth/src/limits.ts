// A fixed-window rate limit per client, in RATE_LIMIT_KV.
const LIMIT = 100;

export async function rateLimited(kv: KVNamespace, client: string): Promise<boolean> {
  const key = `rl:${client}:${Math.floor(Date.now() / 60_000)}`;
  const count = Number((await kv.get(key)) ?? "0") + 1;
  await kv.put(key, String(count), { expirationTtl: 120 });
  return count > LIMIT;
}
