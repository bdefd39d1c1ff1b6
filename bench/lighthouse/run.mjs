// One Lighthouse performance run on one page, in a fresh Chromium, signed in
// when given a session key (bench/lighthouse.sh):
//
//   node bench/lighthouse/run.mjs URL REPORT.json [SESSION_KEY]
//
// The session goes into the browser's cookie jar, not into an extra Cookie
// header (lighthouse --extra-headers): the browser's own cookies replace
// that header as soon as a page sets one (the CSRF cookie), so the
// facilitator's screen would open its live stream signed out, be sent to
// the sign-in page, and be measured polling it. Settings are Lighthouse's
// defaults, as its command line has them: a mobile phone, simulated slow 4G.
import { writeFile } from "node:fs/promises";

import lighthouse from "lighthouse";
import puppeteer from "puppeteer-core";

const [url, reportPath, session] = process.argv.slice(2);
const browser = await puppeteer.launch({
  executablePath: process.env.CHROME_PATH || "/usr/bin/chromium",
  headless: true, // the new headless mode, as --headless=new
  args: [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
  ],
});
try {
  const page = await browser.newPage();
  if (session) {
    await browser.setCookie({ name: "sessionid", value: session, domain: new URL(url).hostname });
  }
  const result = await lighthouse(
    url,
    { output: "json", onlyCategories: ["performance"], logLevel: "error" },
    undefined,
    page,
  );
  if (result.lhr.runtimeError) {
    throw new Error(`${url}: ${result.lhr.runtimeError.message}`);
  }
  await writeFile(reportPath, result.report);
} finally {
  await browser.close();
}
