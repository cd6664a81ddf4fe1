// The message broker both sides of site_connect run: subscriptions by id, and delivery of
// a publication to every subscription whose filter matches it. One throwing callback never
// stops the others.
import { matches } from "./topics";

export type MessageFn = (msg: unknown, topic: string) => void;

type Subscription = { pattern: string; fn: MessageFn };

export class Broker {
  private readonly subscriptions_ = new Map<number, Subscription>();

  constructor(private readonly name: string) {}

  add(id: number, pattern: string, fn: MessageFn): void {
    this.subscriptions_.set(id, { pattern, fn });
  }

  remove(id: number): boolean {
    return this.subscriptions_.delete(id);
  }

  has(id: number): boolean {
    return this.subscriptions_.has(id);
  }

  pattern(id: number): string | undefined {
    return this.subscriptions_.get(id)?.pattern;
  }

  /** Every subscription as [id, filter], oldest first. */
  entries(): [number, string][] {
    return [...this.subscriptions_].map(([id, { pattern }]) => [id, pattern]);
  }

  deliver(topic: string, msg: unknown): void {
    // A callback may (un)subscribe: deliver to the subscriptions there were at publish time.
    for (const [id, { pattern }] of [...this.subscriptions_]) {
      if (matches(pattern, topic)) this.call(id, topic, msg);
    }
  }

  /** Hand `msg` to subscription `id` alone (a retained message for a new subscriber). */
  call(id: number, topic: string, msg: unknown): void {
    const subscription = this.subscriptions_.get(id);
    if (!subscription) return;
    try {
      subscription.fn(msg, topic);
    } catch (error) {
      console.error(`[Tandem] a site_connect subscriber (${this.name}) of '${subscription.pattern}' threw`, error);
    }
  }
}
