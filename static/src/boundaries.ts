// What one bundle hands another, or the server. The build shortens property names ending
// in "_" in each bundle on its own (static/build.mjs), so such a name would differ on the
// two sides of anything that crosses: an object the loader hands a bundle it import()s (or
// back), a frame, a message to one of Tandem's iframes, or storage another page (or
// version) reads. tsc checks here that no type crossing a boundary has one; an error names
// the property. Types only: no bundle holds anything of this file.
import type { FromView, ToView } from "./media/messages";
import type * as Wire from "./protocol";
import type { HostModule } from "./siteconnect/host";
import type { FrameToHost, HostToFrame } from "./siteconnect/messages";
import type { Stored as StoredChat } from "./visitor/ui-chat";
import type { UiModule } from "./visitor/ui-entry";
import type { Layout } from "./visitor/ui-layout";
import type { MediaModule, RecorderModule } from "./visitor/session-recording";
import type { Stored as StoredSession } from "./visitor/tab-memory";

type Depth = 0[];
type Leaf = string | number | boolean | bigint | symbol | null | undefined | Node | Event | Window | Storage | URL | Promise<unknown>;

/** The names ending in "_" reachable from T: its own keys, its functions' parameters and
 * results, its members' and elements' types, four levels deep (DOM and primitive types
 * stop it; a class's private members are not keys, and tsc refuses them outside it). */
type PrivateNames<T, D extends Depth = []> = D["length"] extends 4
  ? never
  : T extends Leaf
    ? never
    : T extends ReadonlyArray<infer E> | ReadonlySet<infer E>
      ? PrivateNames<E, [...D, 0]>
      : T extends ReadonlyMap<infer K, infer V>
        ? PrivateNames<K | V, [...D, 0]>
        : T extends (...args: infer A) => infer R
          ? PrivateNames<A[number], [...D, 0]> | PrivateNames<Awaited<R>, [...D, 0]>
          : T extends object
            ? Extract<keyof T, `${string}_`> | { [K in keyof T]-?: PrivateNames<T[K], [...D, 0]> }[keyof T]
            : never;

type None<T extends never> = T;

export type Checked = [
  // The loader and the bundles it import()s.
  None<PrivateNames<RecorderModule>>,
  None<PrivateNames<MediaModule>>,
  None<PrivateNames<UiModule>>,
  None<PrivateNames<HostModule>>,
  // Frames, both ways, on every socket.
  None<PrivateNames<Wire.VisitorToServer | Wire.ServerToVisitor | Wire.AgentToServer | Wire.ServerToAgent>>,
  None<PrivateNames<Wire.DashboardToServer | Wire.ServerToDashboard | Wire.PresenceClientFrame | Wire.PresenceServerFrame>>,
  None<PrivateNames<Wire.StatusClientFrame | Wire.StatusServerFrame | Wire.UnroutedClientFrame | Wire.UnroutedServerFrame>>,
  // Messages to and from the site-connect frame and the screen share view.
  None<PrivateNames<HostToFrame | FrameToHost | ToView | FromView>>,
  // What the visitor's pages keep in sessionStorage and localStorage.
  None<PrivateNames<StoredSession | StoredChat | Layout>>,
];
