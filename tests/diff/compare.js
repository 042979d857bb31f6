#!/usr/bin/env node
'use strict';
// Compare our engine's verdicts with iam-simulate's on the same cases.
//
//   node compare.js --cases C.jsonl --oracle O.jsonl --ours R.jsonl \
//       --known known-differences.json --outdir DIR [--minimize PRA_EVAL]
//
// Prints every disagreement with the path of a file holding the case, and one
// summary line "diff-cases: N compared, D disagreements, K known oracle
// differences". A disagreement counts as a known oracle difference only when
// re-running iam-simulate with that difference's transformation (which makes
// it follow AWS's documented behaviour) gives our verdict. Entries of kind
// "engine-bug" work the same way the other way round (the transformation
// makes the oracle share a known engine bug that has a reproduction in
// regressions/open/) and are counted on their own line. Exit status 1 when
// an unclassified disagreement (or an error on either side) remains.
//
// --minimize shrinks each unclassified disagreement (drops policies,
// statements, condition entries, values, context keys while the two still
// disagree), running PRA_EVAL on each candidate, and writes DIR/min-NAME.json.

const fs = require('fs');
const path = require('path');
const os = require('os');
const { spawnSync } = require('child_process');
const oracle = require('./oracle.js');

function readJsonl(p) {
	return fs.readFileSync(p, 'utf8').split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l));
}

function args(argv) {
	const o = {};
	for (let i = 2; i < argv.length; i++) {
		const a = argv[i].replace(/^--/, '');
		if (!['cases', 'oracle', 'ours', 'known', 'outdir', 'minimize'].includes(a))
			throw new Error(`compare.js: unknown argument ${argv[i]}`);
		o[a] = argv[++i];
	}
	for (const k of ['cases', 'oracle', 'ours', 'known', 'outdir'])
		if (!o[k])
			throw new Error(`compare.js: --${k} is required`);
	return o;
}

function ourVerdictOf(prEval, c) {
	const tmp = path.join(os.tmpdir(), `pra-diff-min-${process.pid}.json`);
	fs.writeFileSync(tmp, JSON.stringify(c));
	const r = spawnSync(prEval, ['--format', 'json', tmp], { encoding: 'utf8' });
	fs.unlinkSync(tmp);
	if (r.status !== 0)
		return 'error';
	return oracle.ourVerdict(JSON.parse(r.stdout));
}

// Candidate shrinks of a case, biggest first.
function* shrinks(c) {
	const P = c.policies || {};
	const clone = () => JSON.parse(JSON.stringify(c));
	for (const k of ['boundary', 'endpoint', 'session', 'scp', 'rcp', 'resource']) {
		if (P[k] !== undefined) {
			const n = clone();
			delete n.policies[k];
			if (k === 'endpoint')
				delete n.request.context['aws:SourceVpce'];
			yield n;
		}
	}
	if (c.account) {
		const n = clone();
		delete n.account;
		yield n;
	}
	// Policy lists: drop one policy (identity), one level or one policy of a level.
	const lists = [];
	if (P.identity)
		lists.push(['identity']);
	for (const k of ['scp', 'rcp'])
		(P[k] || []).forEach((lvl, i) => lists.push([k, i]));
	for (const [k, i] of lists) {
		const arr = i === undefined ? P[k] : P[k][i];
		for (let j = 0; j < arr.length; j++) {
			const n = clone();
			(i === undefined ? n.policies[k] : n.policies[k][i]).splice(j, 1);
			yield n;
		}
		if (i !== undefined && P[k].length > 1) {
			const n = clone();
			n.policies[k].splice(i, 1);
			yield n;
		}
	}
	// Statements, conditions and values inside every policy document.
	const docs = [];
	const visit = (p, set) => docs.push([p, set]);
	(P.identity || []).forEach((p, i) => visit(p, (n) => n.policies.identity[i]));
	for (const k of ['boundary', 'endpoint'])
		if (P[k])
			visit(P[k], (n) => n.policies[k]);
	(P.session || []).forEach((p, i) => visit(p, (n) => n.policies.session[i]));
	for (const k of ['scp', 'rcp'])
		(P[k] || []).forEach((lvl, i) => lvl.forEach((p, j) => visit(p, (n) => n.policies[k][i][j])));
	for (const [p, get] of docs) {
		const sts = [].concat(p.document.Statement);
		for (let s = 0; s < sts.length; s++) {
			const stOf = (n) => {
				const d = get(n).document;
				if (!Array.isArray(d.Statement))
					d.Statement = [d.Statement];
				return d.Statement;
			};
			if (sts.length > 1) {
				const n = clone();
				stOf(n).splice(s, 1);
				yield n;
			}
			const st = sts[s];
			for (const el of ['Action', 'NotAction', 'Resource', 'NotResource']) {
				if (Array.isArray(st[el]) && st[el].length > 1) {
					for (let v = 0; v < st[el].length; v++) {
						const n = clone();
						stOf(n)[s][el].splice(v, 1);
						yield n;
					}
				}
			}
			if (st.Sid) {
				const n = clone();
				delete stOf(n)[s].Sid;
				yield n;
			}
			for (const op of Object.keys(st.Condition || {})) {
				const keys = Object.keys(st.Condition[op]);
				for (const key of keys) {
					const n = clone();
					const cond = stOf(n)[s].Condition;
					delete cond[op][key];
					if (Object.keys(cond[op]).length === 0)
						delete cond[op];
					if (Object.keys(cond).length === 0)
						delete stOf(n)[s].Condition;
					yield n;
					const vals = st.Condition[op][key];
					if (Array.isArray(vals) && vals.length > 1) {
						for (let v = 0; v < vals.length; v++) {
							const m = clone();
							stOf(m)[s].Condition[op][key].splice(v, 1);
							yield m;
						}
					}
				}
			}
		}
	}
	// The engine derives these from the principal when they are missing and
	// iam-simulate does not, so dropping them would fake a disagreement.
	const derived = new Set(['aws:principalarn', 'aws:principalaccount', 'aws:username', 'aws:principaltype']);
	for (const k of Object.keys(c.request.context || {})) {
		if (derived.has(k.toLowerCase()))
			continue;
		const n = clone();
		delete n.request.context[k];
		yield n;
		const v = c.request.context[k];
		if (Array.isArray(v) && v.length > 1) {
			for (let i = 0; i < v.length; i++) {
				const m = clone();
				m.request.context[k].splice(i, 1);
				yield m;
			}
		}
	}
}

async function minimize(prEval, c, known) {
	const disagree = async (x) => {
		let o;
		try {
			o = await oracle.runOracle(oracle.toSimulation(x));
		} catch (e) {
			return null;
		}
		if (o.verdict === 'error')
			return null;
		const ours = ourVerdictOf(prEval, x);
		if (ours === o.verdict || ours === 'error')
			return null;
		// Stay inside the unexplained part: a shrink that only shows a
		// known difference is not a reproduction of this one.
		if ((await oracle.classify(oracle.toSimulation(x), ours, known)).length > 0)
			return null;
		return { ours, oracle: o.verdict };
	};
	let cur = c;
	let verdicts = await disagree(cur);
	if (!verdicts)
		return null;
	for (let changed = true; changed;) {
		changed = false;
		for (const cand of shrinks(cur)) {
			const v = await disagree(cand);
			if (v) {
				cur = cand;
				verdicts = v;
				changed = true;
				break;
			}
		}
	}
	return { case: cur, ...verdicts };
}

async function main() {
	const o = args(process.argv);
	const cases = readJsonl(o.cases);
	const verdicts = readJsonl(o.oracle);
	const ours = readJsonl(o.ours);
	const known = JSON.parse(fs.readFileSync(o.known, 'utf8')).differences;
	if (verdicts.length !== cases.length || ours.length !== cases.length)
		throw new Error(`compare.js: ${cases.length} cases, ${verdicts.length} oracle verdicts, ${ours.length} engine results`);
	fs.mkdirSync(o.outdir, { recursive: true });
	let disagreements = 0;
	let knownHits = 0;
	let failures = 0;
	const byKnown = {};
	let engineBugHits = 0;
	const kindOf = Object.fromEntries(known.map((k) => [k.id, k.kind || 'oracle']));
	for (let i = 0; i < cases.length; i++) {
		const c = cases[i];
		const theirs = verdicts[i].verdict;
		const mine = oracle.ourVerdict(ours[i]);
		if (verdicts[i].name !== c.name || (ours[i].name !== undefined && ours[i].name !== c.name && !ours[i].error))
			throw new Error(`compare.js: line ${i + 1}: names out of step`);
		if (theirs === 'error' || mine === 'error' || mine === 'conditional') {
			const f = path.join(o.outdir, `${c.name}.json`);
			fs.writeFileSync(f, JSON.stringify(c, null, 2) + '\n');
			console.log(`ERROR ${c.name}: engine ${mine}${ours[i].error ? ` (${ours[i].error})` : ''}, ` +
				`iam-simulate ${theirs}${verdicts[i].detail ? ` (${verdicts[i].detail})` : ''}: ${f}`);
			failures++;
			continue;
		}
		if (theirs === mine)
			continue;
		disagreements++;
		const f = path.join(o.outdir, `${c.name}.json`);
		fs.writeFileSync(f, JSON.stringify(c, null, 2) + '\n');
		const hits = await oracle.classify(oracle.toSimulation(c), mine, known);
		if (hits.length > 0) {
			const bugs = hits.filter((h) => kindOf[h] === 'engine-bug');
			if (bugs.length > 0)
				engineBugHits++;
			else
				knownHits++;
			for (const h of hits)
				byKnown[h] = (byKnown[h] || 0) + 1;
			console.log(`${bugs.length > 0 ? 'ENGINE-BUG' : 'known'} ${c.name}: engine ${mine}, ` +
				`iam-simulate ${theirs} [${hits.join(', ')}]: ${f}`);
			continue;
		}
		failures++;
		console.log(`DISAGREE ${c.name}: engine ${mine}, iam-simulate ${theirs}: ${f}`);
		if (o.minimize) {
			const m = await minimize(o.minimize, c, known);
			if (m) {
				const mf = path.join(o.outdir, `min-${c.name}.json`);
				fs.writeFileSync(mf, JSON.stringify(m.case, null, 2) + '\n');
				console.log(`  minimized (engine ${m.ours}, iam-simulate ${m.oracle}): ${mf}`);
			}
		}
	}
	for (const [k, n] of Object.entries(byKnown))
		console.log(`${kindOf[k] === 'engine-bug' ? 'open engine bug' : 'known difference'} ${k}: ${n} case(s)`);
	console.log(`diff-cases: ${cases.length} compared, ${disagreements} disagreements, ${knownHits} known oracle differences`);
	// Open engine bugs (kind "engine-bug", each with a reproduction under
	// regressions/open/) are counted apart: they are the engine's to fix,
	// and regress.sh says when one is.
	console.log(`diff-open-engine-bugs: ${engineBugHits} disagreements from open engine bugs`);
	process.exit(failures > 0 ? 1 : 0);
}

main().catch((e) => {
	console.error(e.stack || String(e));
	process.exit(2);
});
