// The one internal session client every vendor facade adapts: it owns the visitor
// socket, the session state and the recorder, and reports lifecycle events.
import type { ServerToVisitor } from "../protocol";
import type { LoaderConfig } from "./config";
import { Emitter } from "./events";
import type { Recorder, startRecorder } from "./recorder";

type RecorderModule = { startRecorder: typeof startRecorder };
type State = "idle" | "starting" | "active";

export type StartOptions = { sessionKey?: string | number };

export class SessionClient {
  readonly events = new Emitter();
  private state: State = "idle";
  private key: string | null = null;
  private socket: WebSocket | null = null;
  private recorder: Recorder | null = null;
  private recorderModule: Promise<RecorderModule> | null = null;

  constructor(private readonly config: LoaderConfig) {}

  inSession(): boolean {
    return this.state === "active";
  }

  getKey(): string | null {
    return this.key;
  }

  start(options: StartOptions = {}): void {
    if (this.state !== "idle") return;
    this.state = "starting";
    this.events.emit("sessionstarting");
    if (this.config.error) {
      this.fail("service", this.config.error);
      return;
    }
    const key = options.sessionKey === undefined || options.sessionKey === null ? null : String(options.sessionKey);
    this.recorderModule ??= this.loadRecorder();
    const socket = new WebSocket(this.config.socket);
    this.socket = socket;
    socket.onopen = () => {
      socket.send(JSON.stringify({ t: "start", site: this.config.site, key, ua: navigator.userAgent }));
    };
    socket.onmessage = (message) => this.receive(JSON.parse(String(message.data)) as ServerToVisitor);
    socket.onclose = () => {
      if (this.socket !== socket) return;
      if (this.state === "starting") this.fail("service", "Could not reach the co-browsing service.");
      else if (this.state === "active") this.end();
    };
  }

  stop(): void {
    if (this.state === "idle") return;
    if (this.socket?.readyState === WebSocket.OPEN && this.state === "active") {
      this.socket.send(JSON.stringify({ t: "stop" }));
    }
    if (this.state === "starting") {
      this.teardown();
      return;
    }
    this.end();
  }

  private receive(frame: ServerToVisitor): void {
    switch (frame.t) {
      case "started":
        this.state = "active";
        this.key = frame.key;
        this.events.emit("sessionstart");
        this.events.emit("agents", { count: frame.agents });
        void this.record();
        break;
      case "agents":
        this.events.emit("agents", { count: frame.count });
        break;
      case "snapshot":
        this.recorder?.snapshot(frame.to);
        break;
      case "ended":
        this.end();
        break;
      case "error":
        console.warn(`[Tandem] ${frame.code}: ${frame.msg}`);
        if (this.state === "starting") this.fail("service", frame.msg);
        break;
    }
  }

  private async record(): Promise<void> {
    try {
      const module = await this.recorderModule!;
      if (this.state !== "active" || this.recorder) return;
      const socket = this.socket!;
      this.recorder = module.startRecorder({
        maskSelectors: this.config.maskSelectors ?? [],
        maxFrameBytes: this.config.maxFrame,
        send: (text) => {
          if (socket.readyState === WebSocket.OPEN) socket.send(text);
        },
      });
    } catch (error) {
      console.error("[Tandem] could not start the recorder", error);
      this.events.emit("error", { code: "service", msg: "Could not load the recorder." });
    }
  }

  private loadRecorder(): Promise<RecorderModule> {
    const load = import(/* webpackIgnore: true */ this.config.recorder) as Promise<RecorderModule>;
    load.catch(() => undefined); // reported when record() awaits it
    return load;
  }

  private fail(code: "service" | "conndrop", msg: string): void {
    this.teardown();
    this.events.emit("error", { code, msg });
  }

  private end(): void {
    const wasActive = this.state === "active";
    this.teardown();
    if (wasActive) this.events.emit("sessionend");
  }

  private teardown(): void {
    this.state = "idle";
    this.key = null;
    this.recorder?.stop();
    this.recorder = null;
    const socket = this.socket;
    this.socket = null;
    if (socket && socket.readyState <= WebSocket.OPEN) socket.close(1000);
  }
}
