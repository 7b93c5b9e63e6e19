export default {
  async fetch(request, env) {
    // LOG_LEVEL and REGION are set in production only (CG602 says so; they are optional).
    const region = env.REGION ?? "default";
    if (env.LOG_LEVEL === "debug") {
      console.log(`edge ${region}: ${request.url}`);
    }
    const session = await env.SESSIONS.get(request.headers.get("cookie") ?? "");
    const target = session ? env.BILLING : env.AUTH;
    return target.fetch(request);
  },
};
