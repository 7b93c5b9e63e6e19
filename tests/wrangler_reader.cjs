// Reads wrangler configuration files with the pinned wrangler's own reader
// (`unstable_readConfig`, exported by the wrangler package), many per process.
//
// Usage: node wrangler_reader.cjs <path to node_modules/wrangler>
// stdin:  a JSON array of {"config": "<absolute path>", "env": "<name>" | null}
// stdout: a JSON array, one entry per request, in order:
//   {"config": {...} | null, "warnings": ["..."], "error": "..." | null}
// Everything wrangler logs while reading one request (its warnings) is captured
// for that request instead of being printed.
"use strict";
const path = require("node:path");
const fs = require("node:fs");

const wrangler = require(path.resolve(process.argv[2]));
const requests = JSON.parse(fs.readFileSync(0, "utf8"));

let captured = [];
const capture = (...args) => {
	captured.push(args.map((a) => (typeof a === "string" ? a : String(a))).join(" "));
};
for (const method of ["log", "info", "warn", "error", "debug"]) {
	console[method] = capture;
}

const results = [];
for (const request of requests) {
	captured = [];
	let config = null;
	let error = null;
	try {
		// wrangler names the file relative to the working folder in its messages
		process.chdir(path.dirname(request.config));
		const args = { config: request.config };
		if (request.env !== null && request.env !== undefined) {
			args.env = request.env;
		}
		config = wrangler.unstable_readConfig(args, {});
	} catch (e) {
		error = e && e.message ? String(e.message) : String(e);
	}
	results.push({ config, warnings: captured.slice(), error });
}
process.stdout.write(JSON.stringify(results));
