async function scheduled(controller, bindings) {
  await bindings.JOBS_QUEUE.send({ cron: controller.cron });
}

export default {
  async fetch(req, b) {
    return new Response(b["BRACKET"] + b.GREETNG);
  },
  scheduled,
};
