// site_connect's topic rules, pure: MQTT-style names ("truck/0001/temperature", levels
// split by "/"), filters with "+" (exactly one level) and a trailing "#" (the level
// before it and every level below), and "~/" names that never leave the host page.

/** Longer names and filters are refused: they would only ever be mistakes or abuse. */
export const MAX_TOPIC_LENGTH = 512;

/** Topics that begin with this stay on the host page (never sent to the frame). */
export const LOCAL_PREFIX = "~/";

/** A name a message may be published under: non-empty, no wildcard characters. */
export function isTopic(value: unknown): value is string {
  return (
    typeof value === "string" &&
    value.length > 0 &&
    value.length <= MAX_TOPIC_LENGTH &&
    !value.includes("+") &&
    !value.includes("#")
  );
}

/** A subscription filter: "+" and "#" only as whole levels, "#" only as the last one. */
export function isPattern(value: unknown): value is string {
  if (typeof value !== "string" || value.length === 0 || value.length > MAX_TOPIC_LENGTH) return false;
  const levels = value.split("/");
  return levels.every((level, index) => {
    if (level === "+") return true;
    if (level === "#") return index === levels.length - 1;
    return !level.includes("+") && !level.includes("#");
  });
}

/** Whether a message published under `topic` reaches a subscription to `pattern`.
 * Both are assumed valid (isPattern / isTopic). */
export function matches(pattern: string, topic: string): boolean {
  const want = pattern.split("/");
  const have = topic.split("/");
  for (let i = 0; i < want.length; i++) {
    // "a/#" matches "a" as well as everything under it (MQTT's rule).
    if (want[i] === "#") return true;
    if (i >= have.length) return false;
    if (want[i] !== "+" && want[i] !== have[i]) return false;
  }
  return want.length === have.length;
}

/** Whether a topic stays on the host page. */
export function isLocal(topic: string): boolean {
  return topic.startsWith(LOCAL_PREFIX);
}
