// The vendored lit-html must be byte for byte the published package named in
// package.json (npm installs it as a dev dependency for this check).
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";

const here = new URL(".", import.meta.url).pathname;
const vendored = join(here, "lit-html");
const published = join(here, "..", "node_modules", "lit-html");

/** @param {string} dir @returns {string[]} */
function files(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : [path];
  });
}

let differ = 0;
for (const path of files(vendored)) {
  const name = relative(vendored, path);
  const ours = readFileSync(path);
  let theirs;
  try {
    theirs = readFileSync(join(published, name));
  } catch {
    console.error(`vendor/lit-html/${name}: not in the published package`);
    differ++;
    continue;
  }
  if (!ours.equals(theirs)) {
    console.error(`vendor/lit-html/${name}: differs from the published package`);
    differ++;
  }
}
if (differ) process.exit(1);
console.log("vendor/lit-html matches the published lit-html");
