export default {
  fetch(request, env) {
    return env.BILLING.fetch(request);
  },
};
