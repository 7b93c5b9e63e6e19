export default {
  async fetch(): Promise<Response> {
    return new Response("jobs");
  },
} satisfies ExportedHandler;
