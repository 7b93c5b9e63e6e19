export default {
  fetch() {
    return new Response("audit");
  },
};
