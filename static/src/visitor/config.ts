// The configuration the loader view inlines as TANDEM_CONFIG.
export type LoaderConfig = {
  version: string;
  group: number | null;
  site: string;
  maskSelectors?: string[];
  /** Ask the visitor before a session an agent starts by invoke (Group.one_click_consent). */
  oneClickConsent?: boolean;
  /** The default UI's language (Group.ui_locale); blank or absent: the page's choice or the browser's. */
  locale?: string;
  /** The group's terms page, linked from the consent dialog (Group.terms_url); blank: none. */
  termsUrl?: string;
  /** The group's trusted host patterns: who may send glance_invoke messages. */
  trustedDomains?: string[];
  error?: string;
  server: string;
  socket: string;
  recorder: string;
  ui: string;
  /** window.site_connect's broker, imported when the page first uses it. */
  siteconnect: string;
  /** The agent screen share / agent video side of the page (media.ts), imported when a share starts. */
  media: string;
  maxFrame: number;
  /** Canvas pictures per second sent to agents (Group.canvas_fps); 0: canvases stay blank. */
  canvasFps?: number;
  /** Bytes per second of canvas pictures at most (Group.canvas_bytes_per_second). */
  canvasBytesPerSecond?: number;
  /** The presence socket of the group; absent when the group or site is unknown. */
  presenceSocket?: string;
  /** Whether an agent of the group is available (agent_status); absent like presenceSocket. */
  statusSocket?: string | null;
  /** How long a page retries a dropped connection before it gives up, in ms. */
  reconnectMs: number;
};

declare const TANDEM_CONFIG: LoaderConfig;

export function loaderConfig(): LoaderConfig {
  return TANDEM_CONFIG;
}
