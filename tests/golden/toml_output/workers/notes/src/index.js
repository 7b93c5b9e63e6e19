export default {
  async fetch(request, env) {
    const note = await env.NOTES.get(new URL(request.url).pathname);
    const found = note ?? (await env.SEARCH.fetch(request)).text();
    return new Response(`${env.TITLE}${env.EMPTY} (${env.RATIO}): ${await found}`);
  },
  async scheduled(controller, env) {
    await env.NOTES.delete("drafts");
  },
};
