export default {
  async fetch(request, env) {
    await env.JOBS.send({ url: request.url });
    return new Response("queued");
  },
};
