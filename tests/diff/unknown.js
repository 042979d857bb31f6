#!/usr/bin/env node
'use strict';
// Three-valued soundness of the engine: take generated cases, declare one
// or two of the condition keys their policies use "unknown", and evaluate
// that case together with every instantiation of the unknown keys (absent,
// or each value the generator uses; for multivalued keys also the empty
// list and two values). A definite answer on the unknown case must hold for
// every instantiation: "allowed" only if each one is allowed, "denied" only
// if none is. (The instantiations themselves are ordinary fully-known
// cases, which run.sh compares with iam-simulate.)
//
//   node unknown.js --seed S --count N --pra-eval PATH --outdir DIR
//
// Prints "diff-unknown: N cases, M instantiations, C conditional, V
// violations" and writes each violating case to DIR; exit status 1 on a
// violation.

const fs = require('fs');
const path = require('path');
const { spawnSync } = require('child_process');
const { rng, genCase, REQ_VALS } = require('./gen.js');

function args(argv) {
	const o = { seed: 1, count: 500 };
	for (let i = 2; i < argv.length; i++) {
		const a = argv[i];
		if (a === '--seed') o.seed = Number(argv[++i]);
		else if (a === '--count') o.count = Number(argv[++i]);
		else if (a === '--pra-eval') o.praEval = argv[++i];
		else if (a === '--outdir') o.outdir = argv[++i];
		else throw new Error(`unknown.js: unknown argument ${a}`);
	}
	if (!o.praEval || !o.outdir)
		throw new Error('usage: unknown.js --seed S --count N --pra-eval PATH --outdir DIR');
	return o;
}

// Condition keys used anywhere in the case's policies, as written.
function conditionKeys(c) {
	const keys = new Map();
	const visit = (d) => {
		for (const st of [].concat(d.Statement || []))
			for (const op of Object.keys(st.Condition || {}))
				for (const k of Object.keys(st.Condition[op]))
					keys.set(k.toLowerCase(), k);
	};
	const P = c.policies || {};
	for (const p of P.identity || []) visit(p.document);
	for (const k of ['boundary', 'endpoint'])
		if (P[k]) visit(P[k].document);
	for (const k of ['session', 'resource'])
		for (const p of P[k] || []) visit(p.document);
	for (const k of ['scp', 'rcp'])
		for (const lvl of P[k] || []) for (const p of lvl) visit(p.document);
	return keys;
}

const MULTI = new Set(['aws:tagkeys', 'aws:calledvia']);

function options(key) {
	const canon = Object.keys(REQ_VALS).find((k) => k.toLowerCase() === key);
	const vals = REQ_VALS[canon];
	const opts = [undefined];
	if (MULTI.has(key))
		opts.push([], [vals[0]], [vals[1]], [vals[0], vals[1]]);
	else
		for (const v of vals) opts.push(v);
	return opts;
}

function main() {
	const o = args(process.argv);
	const r = rng(o.seed);
	fs.mkdirSync(o.outdir, { recursive: true });
	const lines = [];
	const groups = [];
	for (let i = 0; i < o.count; i++) {
		const c = genCase(r, i, `u${o.seed}`);
		const used = [...conditionKeys(c).keys()].filter((k) =>
			Object.keys(REQ_VALS).some((q) => q.toLowerCase() === k));
		if (used.length === 0)
			continue;
		const chosen = r.some(used, 1, 2);
		const base = JSON.parse(JSON.stringify(c));
		for (const k of Object.keys(base.request.context))
			if (chosen.includes(k.toLowerCase()))
				delete base.request.context[k];
		const unknownCase = JSON.parse(JSON.stringify(base));
		unknownCase.request.unknown = chosen;
		const first = lines.length;
		lines.push(JSON.stringify(unknownCase));
		let combos = [{}];
		for (const k of chosen)
			combos = combos.flatMap((acc) => options(k).map((v) => ({ ...acc, [k]: v })));
		for (const combo of combos) {
			const inst = JSON.parse(JSON.stringify(base));
			for (const [k, v] of Object.entries(combo))
				if (v !== undefined)
					inst.request.context[k] = v;
			inst.name = `${c.name}-${lines.length - first}`;
			lines.push(JSON.stringify(inst));
		}
		groups.push({ name: c.name, first, n: combos.length, unknownCase, combos });
	}
	// pra-eval refuses batch files over 64 MiB: 10000 requests per run.
	const res = [];
	for (let at = 0; at < lines.length; at += 10000) {
		const batch = path.join(o.outdir, 'unknown.jsonl');
		fs.writeFileSync(batch, lines.slice(at, at + 10000).join('\n') + '\n');
		const p = spawnSync(o.praEval, ['--batch', batch], { encoding: 'utf8', maxBuffer: 1 << 30 });
		for (const l of p.stdout.split('\n'))
			if (l.trim())
				res.push(JSON.parse(l));
		fs.unlinkSync(batch);
		if (res.length !== Math.min(lines.length, at + 10000))
			throw new Error(`unknown.js: ${lines.length} requests, ${res.length} results: ${p.stderr.slice(0, 500)}`);
	}
	let conditional = 0;
	let violations = 0;
	let insts = 0;
	for (const g of groups) {
		const u = res[g.first];
		const got = res.slice(g.first + 1, g.first + 1 + g.n);
		insts += g.n;
		if (u.error || got.some((x) => x.error)) {
			console.log(`ERROR ${g.name}: ${u.error || got.find((x) => x.error).error}`);
			violations++;
			continue;
		}
		if (u.decision === 'conditional') {
			conditional++;
			continue;
		}
		const bad = got.map((x, i) => [x, i]).filter(([x]) => (u.decision === 'allowed'
			? x.decision !== 'allowed' : x.decision === 'allowed'));
		if (bad.length > 0) {
			violations++;
			const f = path.join(o.outdir, `unknown-${g.name}.json`);
			fs.writeFileSync(f, JSON.stringify({ unknown_case: g.unknownCase,
				counterexample: g.combos[bad[0][1]], result_of_unknown_case: u.decision,
				result_of_instance: bad[0][0].decision }, null, 2) + '\n');
			console.log(`UNSOUND ${g.name}: ${u.decision} with ${g.unknownCase.request.unknown.join(', ')} unknown, ` +
				`but ${bad[0][0].decision} for ${JSON.stringify(g.combos[bad[0][1]])}: ${f}`);
		}
	}
	console.log(`diff-unknown: ${groups.length} cases, ${insts} instantiations, ${conditional} conditional, ${violations} violations`);
	process.exit(violations > 0 ? 1 : 0);
}

main();
