// A user-agent string read for people: "Chrome 131 on Windows", "Safari 17 on iPhone".
// Only the common families; anything else reads as "Unknown browser" (the raw string is
// kept as the element's title for whoever needs it). Order matters: Edge, Opera and
// Samsung Internet also say "Chrome", Chrome also says "Safari".

const BROWSERS: Array<[string, RegExp]> = [
  ["Edge", /\bEdgA?\/(\d+)/],
  ["Edge", /\bEdgiOS\/(\d+)/],
  ["Opera", /\bOPR\/(\d+)/],
  ["Samsung Internet", /\bSamsungBrowser\/(\d+)/],
  ["Firefox", /\bFirefox\/(\d+)/],
  ["Firefox", /\bFxiOS\/(\d+)/],
  ["Chrome", /\bCriOS\/(\d+)/],
  ["Chromium", /\bChromium\/(\d+)/],
  ["Headless Chrome", /\bHeadlessChrome\/(\d+)/],
  ["Chrome", /\bChrome\/(\d+)/],
  ["Safari", /\bVersion\/(\d+)(?:[.\d]*)? (?:Mobile\/\S+ )?Safari\//],
  ["Internet Explorer", /\bMSIE (\d+)/],
  ["Internet Explorer", /\bTrident\/.*\brv:(\d+)/],
];

const SYSTEMS: Array<[string, RegExp]> = [
  ["iPhone", /\biPhone\b/],
  ["iPad", /\biPad\b/],
  ["Android", /\bAndroid\b/],
  ["ChromeOS", /\bCrOS\b/],
  ["Windows", /\bWindows\b/],
  ["macOS", /\bMac OS X\b|\bMacintosh\b/],
  ["Linux", /\bLinux\b/],
];

/** "Chrome 131 on Windows"; "" for an empty string. */
export function readableUserAgent(ua: string): string {
  if (!ua.trim()) return "";
  let browser = "Unknown browser";
  for (const [name, pattern] of BROWSERS) {
    const match = pattern.exec(ua);
    if (match) {
      browser = `${name} ${match[1]}`;
      break;
    }
  }
  const system = SYSTEMS.find(([, pattern]) => pattern.test(ua))?.[0];
  return system ? `${browser} on ${system}` : browser;
}
