export function region(bindings: Env): string {
  return bindings.REGION ?? "earth";
}
