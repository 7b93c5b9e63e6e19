// Session tokens (JWT_SECRET, JWT_REFRESH_SECRET) and WorkOS webhook signatures.
async function hmac(secret: string, data: string): Promise<string> {
  const key = await crypto.subtle.importKey(
    "raw", new TextEncoder().encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const mac = await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(data));
  return btoa(String.fromCharCode(...new Uint8Array(mac)));
}

export async function signSession(user: string, env: Env) {
  const id = crypto.randomUUID();
  return {
    id,
    access: await hmac(env.JWT_SECRET, `${id}.${user}`),
    refresh: await hmac(env.JWT_REFRESH_SECRET, `${id}.${user}.refresh`),
  };
}

export async function verifyWebhook(request: Request, env: Env): Promise<boolean> {
  // Optional at run time: without the secret, webhooks are refused.
  const secret = env.WORKOS_WEBHOOK_SECRET;
  if (!secret) {
    return false;
  }
  const signature = request.headers.get("workos-signature") ?? "";
  return signature === (await hmac(secret, await request.clone().text()));
}
