// Fails when src/api/gateway, crm, sender, campaigns or ai-agent.openapi.json no longer matches its service,
// or when a generated .d.ts no longer matches its document. `npm run gen:api` fixes them.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const python = process.env.MIA_PYTHON ?? resolve(root, "../.venv/bin/python");
const fail = (message) => {
  console.error(`check:api: ${message}; run npm run gen:api`);
  process.exit(1);
};

try {
  execFileSync(python, [join(root, "scripts/export_openapi.py"), "--check"], {
    stdio: ["ignore", "ignore", "inherit"],
  });
} catch {
  fail("an OpenAPI document in src/api/ is stale");
}

const scratch = mkdtempSync(join(tmpdir(), "mia-api-"));
try {
  for (const name of ["gateway", "crm", "sender", "campaigns", "ai-agent"]) {
    const fresh = join(scratch, `${name}.d.ts`);
    execFileSync(
      join(root, "node_modules/.bin/openapi-typescript"),
      [join(root, `src/api/${name}.openapi.json`), "-o", fresh],
      { stdio: ["ignore", "ignore", "inherit"] },
    );
    const committed = readFileSync(join(root, `src/api/${name}.d.ts`), "utf8");
    if (readFileSync(fresh, "utf8") !== committed) fail(`src/api/${name}.d.ts is stale`);
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
console.log("check:api: the API clients match the services");
