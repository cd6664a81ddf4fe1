// What a session does with the page, in bundles of their own imported on first need: the
// recorder (recorder.ts: the mirror, agents' inputs and marks) and the agent's screen share
// side (media.ts). The session client (session.ts) says when; this module loads, starts
// and stops them.
import type { AgentInput, MirrorFrame, VisitorToServer } from "../protocol";
import type { FrameText } from "../socket";
import type { AgentMark } from "../marks";
import type { LoaderConfig } from "./config";
import type { Emitter } from "./events";
import type { Media, MediaFrame, startMedia } from "./media";
import type { PastPasswords } from "./passwords";
import type { Recorder, startRecorder } from "./recorder";

export type RecorderModule = { startRecorder: typeof startRecorder };
export type MediaModule = { startMedia: typeof startMedia };

export type RecordingHost = {
  config_: LoaderConfig;
  events_: Emitter;
  pastPasswords_: PastPasswords;
  /** Send on the session socket (dropped while it is not linked). */
  send_(frame: VisitorToServer): void;
  sendText_(text: FrameText<MirrorFrame>): void;
  /** Whether the page may be recorded right now (checked again once the code is here). */
  mayRecord_(): boolean;
  /** The recorder's code would not load: the session cannot go on. */
  failed_(): void;
};

export type Recording = {
  /** Start loading the recorder's code (a session that will record is coming). */
  preload_(): void;
  /** Record, once the code is here, if still allowed and not already recording. */
  start_(): Promise<void>;
  /** Stop recording (blurred, paused, watching); start_() records again. */
  stop_(): void;
  readonly recording_: boolean;
  /** A full snapshot for the agents' requests `to`, or for every agent (null). */
  snapshot_(to: string[] | null): void;
  /** An agent in control's input; why the page refused it, or null. */
  apply_(input: AgentInput): string | null;
  annotate_(mark: AgentMark): void;
  /** A share or reverse-session frame, for the media module (imported on the first). */
  media_(frame: MediaFrame): void;
  /** The session ended: stop recording and the media. */
  end_(): void;
};

export function sessionRecording(host: RecordingHost): Recording {
  const { config_: config } = host;
  let recorder: Recorder | null = null;
  let code: Promise<RecorderModule> | null = null;
  let media: Promise<Media | null> | null = null;
  const load = () => {
    code ??= import(/* webpackIgnore: true */ config.recorder) as Promise<RecorderModule>;
    code.catch(() => undefined); // reported when start() awaits it
    return code;
  };
  const stop = () => {
    recorder?.stop();
    recorder = null;
  };
  return {
    preload_: () => void load(),
    async start_() {
      try {
        const module = await load();
        if (recorder || !host.mayRecord_()) return;
        recorder = module.startRecorder({
          maskSelectors: config.maskSelectors ?? [],
          maxFrameBytes: config.maxFrame,
          canvasFps: config.canvasFps ?? 0,
          canvasBytesPerSecond: config.canvasBytesPerSecond ?? 0,
          pastPasswords: host.pastPasswords_,
          send: host.sendText_,
          dismissMarks: () => host.send_({ t: "draw_dismiss" }),
        });
      } catch (error) {
        // Without the recorder the agent would watch nothing: end the session, say why.
        console.error("[Tandem] could not start the recorder", error);
        host.failed_();
      }
    },
    stop_: stop,
    get recording_() {
      return recorder !== null;
    },
    snapshot_: (to) => recorder?.snapshot(to),
    apply_: (input) => recorder?.apply(input) ?? null,
    annotate_: (mark) => recorder?.annotate(mark),
    media_(frame) {
      // Frames wait for the module in order; a session that ended meanwhile drops them.
      const current = (media ??= loadMedia(host, () => (media = null)));
      void current.then((loaded) => {
        if (media === current) loaded?.receive(frame);
      });
    },
    end_() {
      stop();
      void media?.then((loaded) => loaded?.stop());
      media = null;
    },
  };
}

/** The media module, started; null (and `forget`, so the next frame tries again) when it
 * would not load. */
function loadMedia(host: RecordingHost, forget: () => void): Promise<Media | null> {
  return (import(/* webpackIgnore: true */ host.config_.media) as Promise<MediaModule>).then(
    (module) => module.startMedia({ config: host.config_, events: host.events_, send: host.send_ }),
    (error: unknown) => {
      console.error("[Tandem] could not load the screen share", error);
      forget();
      return null;
    },
  );
}
