// The presence-only script: GLANCE.Presence.Visitor without co-browsing, for pages that
// load CobrowseJS.ashx?group=G&site=S&script=PresenceVisitor. An agent's invoke of a
// co-browsing function finds nothing to call here and is ignored with a console warning.
import { loaderConfig } from "../visitor/config";
import { installPresenceApi, publishSettings, scriptAttributes } from "./globals";
import { drainReadyQueue } from "../visitor/ready";

function install(): void {
  const config = loaderConfig();
  const glance = (window.GLANCE ??= {});
  if (glance.Presence?.Visitor) return; // the script tag was included twice
  const attrs = scriptAttributes();
  if (config.error) console.error(`[Tandem] presence is unavailable on this page: ${config.error}`);
  glance.VERSION = config.version;
  publishSettings(config, attrs);
  // A page that also loads co-browsing later lets invokes reach it.
  installPresenceApi(config, attrs, () => window.GLANCE?.Cobrowse?.Visitor as Record<string, never> | undefined);
  drainReadyQueue(); // an async tag's page queued its calls on window.TandemReady
}

install();
