// Loading the tag with `async` (or `defer`, or from a tag manager): the page cannot know
// when GLANCE is defined, so it queues what to run on window.TandemReady, which this
// script drains once the globals exist. Later pushes run at once.
//
//   window.TandemReady = window.TandemReady || [];
//   TandemReady.push(function (GLANCE) { GLANCE.Cobrowse.Visitor.addEventListener(...) });
//
// docs/integrating.md ("Loading the tag with async") documents it.

type ReadyCallback = (glance: unknown) => void;
type ReadyQueue = { push(...callbacks: ReadyCallback[]): number };

declare global {
  interface Window {
    TandemReady?: ReadyCallback[] | ReadyQueue;
  }
}

function run(callback: unknown): void {
  if (typeof callback !== "function") {
    console.error("[Tandem] TandemReady.push() takes a function");
    return;
  }
  try {
    (callback as ReadyCallback)(window.GLANCE);
  } catch (error) {
    // One integrator callback that throws must not keep the others from running.
    console.error("[Tandem] a TandemReady callback threw", error);
  }
}

/** Runs the callbacks queued before the globals existed; later pushes run at once. */
export function drainReadyQueue(): void {
  const queued = window.TandemReady;
  if (queued && !Array.isArray(queued)) return; // already drained (the tag is on the page twice)
  window.TandemReady = {
    push(...callbacks: ReadyCallback[]): number {
      for (const callback of callbacks) run(callback);
      return 0;
    },
  };
  for (const callback of queued ?? []) run(callback);
}
