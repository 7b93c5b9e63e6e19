// schedule: runs the platform's cron jobs (a user worker in the dotdo namespace).
// It calls db through the namespace binding (db is a sibling in the namespace).
export default {
  async fetch(request: Request): Promise<Response> {
    return new Response(JSON.stringify({ service: "schedule" }), {
      headers: { "content-type": "application/json" },
    });
  },
  async scheduled(controller: ScheduledController, env: Env): Promise<void> {
    await env.SERVICES.get("db").fetch(
      new Request("https://db.do/api/db/cron", { method: "POST", body: controller.cron }),
    );
  },
} satisfies ExportedHandler<Env>;
