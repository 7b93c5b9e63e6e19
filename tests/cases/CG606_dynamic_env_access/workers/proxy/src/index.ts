export default {
  async fetch(request: Request, env: Env): Promise<Response> {
    const name = `SERVICE_${new URL(request.url).hostname[0].toUpperCase()}`;
    const service = (env as unknown as Record<string, Fetcher>)[name];
    const again = (env as unknown as Record<string, Fetcher>)[name.toLowerCase()];
    return (service ?? again).fetch(request);
  },
};
