// The configuration the loader view inlines as TANDEM_CONFIG.
export type LoaderConfig = {
  version: string;
  group: number | null;
  site: string;
  maskSelectors?: string[];
  error?: string;
  server: string;
  socket: string;
  recorder: string;
  ui: string;
  maxFrame: number;
};

declare const TANDEM_CONFIG: LoaderConfig;

export function loaderConfig(): LoaderConfig {
  return TANDEM_CONFIG;
}
